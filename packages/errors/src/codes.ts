/**
 * The error catalog: every failure the relay reports has one of these codes. The code alone
 * decides the HTTP status an API answers with and whether a job retries, so the two can never
 * disagree.
 */
export const ErrorCodes = {
  // Input from the CRM, webhooks and admins.
  PAYLOAD_INVALID: { httpStatus: 400, retryable: false },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, retryable: false },
  UNAUTHENTICATED: { httpStatus: 401, retryable: false },
  WEBHOOK_SIGNATURE_INVALID: { httpStatus: 401, retryable: false },
  NOT_FOUND: { httpStatus: 404, retryable: false },
  ROUTE_NOT_FOUND: { httpStatus: 404, retryable: false },
  METHOD_NOT_ALLOWED: { httpStatus: 405, retryable: false },
  /** An admin operation the relay refuses because it would break a duty (draining erasures). */
  OPERATION_REFUSED: { httpStatus: 409, retryable: false },
  /**
   * A CRM client over its request limit (429 with Retry-After; it sends again after that).
   * Only HTTP answers carry it, never a job, so `retryable` (a job's retry) does not apply.
   */
  RATE_LIMITED: { httpStatus: 429, retryable: false },
  // Our own infrastructure.
  QUEUE_UNAVAILABLE: { httpStatus: 503, retryable: true },
  CONFIG_INVALID: { httpStatus: 500, retryable: false },
  INTERNAL: { httpStatus: 500, retryable: true },
  // Intercom, as seen through the SDK.
  INTERCOM_RATE_LIMITED: { httpStatus: 503, retryable: true },
  /** 5xx, 408, timeouts, connection resets: Intercom may succeed later. */
  INTERCOM_UNAVAILABLE: { httpStatus: 502, retryable: true },
  /** The circuit breaker holds calls while Intercom looks down; the job waits, no attempt used. */
  INTERCOM_CIRCUIT_OPEN: { httpStatus: 503, retryable: true },
  /**
   * A call names a contact Intercom does not have (yet): an event pushed together with its
   * contact can arrive first. Retried with backoff; dead-lettered if it never appears.
   */
  INTERCOM_CONTACT_MISSING: { httpStatus: 404, retryable: true },
  /** 400/404/409/422 that retrying cannot fix. */
  INTERCOM_REJECTED: { httpStatus: 422, retryable: false },
  /**
   * Intercom matched a CRM record to a contact that carries another record's external_id
   * (Intercom also matches by email): nothing is written to it; a human resolves it in the CRM.
   */
  CONTACT_IDENTITY_CONFLICT: { httpStatus: 409, retryable: false },
  /** 401/403: the token is wrong, revoked or lacks scope; a human must act. */
  INTERCOM_UNAUTHORIZED: { httpStatus: 502, retryable: false },
  // Jobs.
  /** The CRM's conversation endpoint did not take a delivery; retried with backoff. */
  SINK_UNAVAILABLE: { httpStatus: 503, retryable: true },
  /** Another job of the same contact or company is running; this one runs after it. */
  RECORD_BUSY: { httpStatus: 503, retryable: true },
} as const satisfies Record<string, { httpStatus: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ErrorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}
