/** The error code and message Intercom uses for a bare status (injected errors, outages). */
export function errorForStatus(status: number): { code: string; message: string } {
  switch (status) {
    case 400:
      return { code: 'bad_request', message: 'Bad Request' };
    case 401:
      return { code: 'unauthorized', message: 'Access Token Invalid' };
    case 403:
      return { code: 'api_plan_restricted', message: 'Active subscription needed' };
    case 404:
      return { code: 'not_found', message: 'Resource Not Found' };
    case 408:
      return { code: 'request_timeout', message: 'Request Timeout' };
    case 409:
      return { code: 'conflict', message: 'Conflict' };
    case 422:
      return { code: 'parameter_invalid', message: 'Unprocessable Entity' };
    case 502:
      return { code: 'server_error', message: 'Bad Gateway' };
    case 503:
      return { code: 'server_error', message: 'Service Unavailable' };
    case 504:
      return { code: 'server_error', message: 'Gateway Timeout' };
    default:
      return status >= 500
        ? { code: 'server_error', message: 'Internal Server Error' }
        : { code: 'bad_request', message: `Request failed with status ${status}` };
  }
}
