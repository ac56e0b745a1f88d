import { type ErrorCode, ErrorCodes } from './codes.ts';

export type AppErrorOptions = {
  cause?: unknown;
  /** Intercom's `request_id`, when the error came from an Intercom response. */
  requestId?: string | undefined;
  /** How long to wait before trying again (rate limits: until the window resets). */
  retryAfterMs?: number | undefined;
  /** Upstream HTTP status, when there was one. */
  status?: number | undefined;
  /** Machine-readable specifics, safe to show to the caller (never secrets or personal data). */
  details?: unknown;
  /**
   * The failure provably sent nothing to Intercom (a permit refused, the breaker or the auth
   * hold held the call, the run lost its job before a write): whatever it was meant to change
   * did not change. Unset means it may have (a timeout, a 5xx, a reset may hide a write that
   * landed), unless Intercom refused it with a 4xx.
   */
  sentNothing?: boolean;
};

/** The one error type the relay throws across package boundaries. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly details: unknown;
  readonly sentNothing: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = ErrorCodes[code].httpStatus;
    this.retryable = ErrorCodes[code].retryable;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.details = options.details;
    this.sentNothing = options.sentNothing ?? false;
  }

  /** A JSON-safe summary for job results, logs and API answers (no stack, no cause). */
  toJSON(): SerializedAppError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.status === undefined ? {} : { status: this.status }),
    };
  }
}

export type SerializedAppError = {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  requestId?: string;
  status?: number;
};

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
