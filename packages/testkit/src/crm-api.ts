import { waitFor } from './wait-for.ts';

export type CrmAnswer = {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, checked by the tests
  body: any;
};

export type JobStatusAnswer = {
  state: string;
  attempts?: number;
  result?: unknown;
  error?: {
    code: string;
    message: string;
    retryable: boolean;
    requestId?: string;
    status?: number;
  };
};

/** The ingress's CRM API as a test calls it: JSON in and out, with a CRM bearer token. */
export function crmApi(ingressUrl: string, token: string) {
  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<CrmAnswer> {
    const response = await fetch(`${ingressUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  return {
    call,
    /** Waits until the job an answer named is done (completed or failed), through GET /v1/jobs/:jobId. */
    async done(jobId: string, timeoutMs = 20_000): Promise<JobStatusAnswer> {
      return waitFor(
        async () => (await call('GET', `/v1/jobs/${jobId}`)).body as JobStatusAnswer,
        (status) => status.state === 'completed' || status.state === 'failed',
        timeoutMs,
      );
    },
  };
}
