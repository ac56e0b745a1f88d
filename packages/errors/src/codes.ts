/**
 * What a job does when its run fails with a code, read in one place (the worker's run-job.ts):
 * - `fail`: failed at once, no retry (a dead letter a human looks at);
 * - `retry`: retried with backoff, using an attempt;
 * - `hold`: the whole queue waits (`holdMs`, or the error's own retryAfterMs) and the job goes
 *   back to the head of it, using no attempt: waiting is the cure (`label` names it in
 *   relay_jobs_total's outcome);
 * - `defer`: this job alone waits a moment (`afterMs`), using no attempt;
 * - `abandon`: the run lets go of the job, which is another run's now.
 */
export type JobEffect =
  | { onJob: 'fail' | 'retry' | 'abandon' }
  | { onJob: 'defer'; afterMs: number }
  | {
      onJob: 'hold';
      holdMs: number;
      label: 'rate_limited' | 'circuit_open' | 'paused' | 'redis_unavailable';
    };

type Entry = JobEffect & {
  httpStatus: number;
  /**
   * Whether the same request, sent again unchanged, may succeed without anyone acting: what
   * API answers and job statuses show. `fail` is never retryable and `retry` always is.
   */
  retryable: boolean;
};

/**
 * The error catalog: every failure the relay reports has one of these codes. The code alone
 * decides the HTTP status an API answers with and what a job does, so the two can never
 * disagree.
 */
export const ErrorCodes = {
  // Input from the CRM, webhooks and admins.
  PAYLOAD_INVALID: { httpStatus: 400, retryable: false, onJob: 'fail' },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, retryable: false, onJob: 'fail' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, retryable: false, onJob: 'fail' },
  UNAUTHENTICATED: { httpStatus: 401, retryable: false, onJob: 'fail' },
  WEBHOOK_SIGNATURE_INVALID: { httpStatus: 401, retryable: false, onJob: 'fail' },
  NOT_FOUND: { httpStatus: 404, retryable: false, onJob: 'fail' },
  ROUTE_NOT_FOUND: { httpStatus: 404, retryable: false, onJob: 'fail' },
  METHOD_NOT_ALLOWED: { httpStatus: 405, retryable: false, onJob: 'fail' },
  /** An admin operation the relay refuses because it would break a duty (draining erasures). */
  OPERATION_REFUSED: { httpStatus: 409, retryable: false, onJob: 'fail' },
  /**
   * A CRM client over its request limit (429 with Retry-After; it sends again after that).
   * Only HTTP answers carry it, never a job, so `retryable` (a job's retry) does not apply.
   */
  RATE_LIMITED: { httpStatus: 429, retryable: false, onJob: 'fail' },
  // Our own infrastructure.
  /**
   * Redis cannot serve, or its replicas do not confirm a write (REDIS_ACK_REPLICAS): the lane
   * waits, no attempt used. Every job would fail alike, and a failover or a replica's outage
   * must not spend the backlog's attempts and dead-letter it.
   */
  QUEUE_UNAVAILABLE: {
    httpStatus: 503,
    retryable: true,
    onJob: 'hold',
    holdMs: 5_000,
    label: 'redis_unavailable',
  },
  CONFIG_INVALID: { httpStatus: 500, retryable: false, onJob: 'fail' },
  INTERNAL: { httpStatus: 500, retryable: true, onJob: 'retry' },
  // Intercom, as seen through the SDK.
  /** No permit in this window, or a 429: every queue waits for the window to reset. */
  INTERCOM_RATE_LIMITED: {
    httpStatus: 503,
    retryable: true,
    onJob: 'hold',
    holdMs: 10_000,
    label: 'rate_limited',
  },
  /** 5xx, 408, timeouts, connection resets: Intercom may succeed later. */
  INTERCOM_UNAVAILABLE: { httpStatus: 502, retryable: true, onJob: 'retry' },
  /** The circuit breaker holds calls while Intercom looks down; the job waits, no attempt used. */
  INTERCOM_CIRCUIT_OPEN: {
    httpStatus: 503,
    retryable: true,
    onJob: 'hold',
    holdMs: 10_000,
    label: 'circuit_open',
  },
  /**
   * A call names a contact Intercom does not have (yet): an event pushed together with its
   * contact can arrive first. Retried with backoff; dead-lettered if it never appears.
   */
  INTERCOM_CONTACT_MISSING: { httpStatus: 404, retryable: true, onJob: 'retry' },
  /** 400/404/409/422 that retrying cannot fix. */
  INTERCOM_REJECTED: { httpStatus: 422, retryable: false, onJob: 'fail' },
  /**
   * Intercom matched a CRM record to a contact that carries another record's external_id
   * (Intercom also matches by email): nothing is written to it; a human resolves it in the CRM.
   */
  CONTACT_IDENTITY_CONFLICT: { httpStatus: 409, retryable: false, onJob: 'fail' },
  /**
   * 401/403: the token is wrong, revoked or lacks scope; a human must act, and the backlog
   * waits rather than failing. A 401 holds only while the auth hold lasts (its retryAfterMs);
   * a 403 (a missing scope) a minute at a time.
   */
  INTERCOM_UNAUTHORIZED: {
    httpStatus: 502,
    retryable: false,
    onJob: 'hold',
    holdMs: 60_000,
    label: 'paused',
  },
  /**
   * Intercom allows one open company scroll per app (400 `scroll_exists`): another sweep's,
   * or one a crashed run left open. An open scroll expires a minute after its last use, so
   * this job alone waits that minute, using no attempt (a retry would spend attempts on
   * something only waiting cures; a hold would stop the whole lane for one job's sake).
   */
  INTERCOM_SCROLL_BUSY: { httpStatus: 503, retryable: true, onJob: 'defer', afterMs: 60_000 },
  // The CRM's webhook endpoint (the change feed pushed).
  /** Not a 2xx, or no answer in time: retried on CRM_WEBHOOK_RETRY_SCHEDULE (or Retry-After). */
  CRM_ENDPOINT_FAILED: { httpStatus: 502, retryable: true, onJob: 'retry' },
  /** The endpoint kept failing: deliveries wait, no attempt used, until a probe gets through. */
  CRM_ENDPOINT_CIRCUIT_OPEN: {
    httpStatus: 503,
    retryable: true,
    onJob: 'hold',
    holdMs: 5_000,
    label: 'circuit_open',
  },
  /**
   * The endpoint answered 410 Gone: deliveries wait until an operator runs `relay feed enable`
   * (looked at again every 5 s: one job's read of the endpoint's state).
   */
  CRM_ENDPOINT_DISABLED: {
    httpStatus: 503,
    retryable: true,
    onJob: 'hold',
    holdMs: 5_000,
    label: 'paused',
  },
  // Jobs.
  /**
   * A change-feed cursor older than the oldest change kept (FEED_RETENTION_MS): the reader
   * missed changes and must start again from the oldest kept (and reconcile).
   */
  FEED_CURSOR_EXPIRED: { httpStatus: 410, retryable: false, onJob: 'fail' },
  /** Another job of the same contact or company is running; this one runs after it. */
  RECORD_BUSY: { httpStatus: 503, retryable: true, onJob: 'defer', afterMs: 250 },
  /**
   * The run no longer holds its job (its lock expired, another worker took it over): it makes
   * no write, and the job is the other run's.
   */
  JOB_TAKEN_OVER: { httpStatus: 409, retryable: false, onJob: 'abandon' },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ErrorCodes;

/** What a job does on this code (see JobEffect). */
export function jobEffectOf(code: ErrorCode): JobEffect {
  return ErrorCodes[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}
