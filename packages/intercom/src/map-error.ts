import { AppError, type ErrorCode } from '@relay/errors';
import { IntercomError, IntercomTimeoutError } from 'intercom-client';
import { readRateLimitHeaders } from './rate-limit-headers.ts';

/** When Intercom sends a 429 without a usable reset, wait one full window. */
const FALLBACK_RATE_LIMIT_WAIT_MS = 10_000;

type ErrorBody = { request_id?: unknown; errors?: { code?: unknown; message?: unknown }[] };

/**
 * Maps whatever the SDK threw to an AppError. Branches on the status code, never on the SDK's
 * typed subclasses: those exist only for statuses the spec documents for that operation.
 */
export function toAppError(error: unknown, now: () => number = Date.now): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof IntercomTimeoutError) {
    return new AppError('INTERCOM_UNAVAILABLE', 'Intercom did not answer before the timeout', {
      cause: error,
    });
  }
  if (!(error instanceof IntercomError)) {
    return new AppError('INTERCOM_UNAVAILABLE', `Intercom call failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const status = error.statusCode;
  if (status === undefined) {
    // Timeouts ("timeout"), refused connections ("fetch failed"), resets, unparsable bodies.
    return new AppError('INTERCOM_UNAVAILABLE', `Intercom call failed: ${error.message}`, {
      cause: error,
    });
  }
  if (status < 400) {
    // A success whose body is not JSON: garbled on the way, so worth another try.
    return new AppError(
      'INTERCOM_UNAVAILABLE',
      `Intercom answered ${status} with a body that is not JSON`,
      {
        cause: error,
        status,
      },
    );
  }
  const body = (
    typeof error.body === 'object' && error.body !== null ? error.body : {}
  ) as ErrorBody;
  const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
  const first = body.errors?.[0];
  const intercomCode = typeof first?.code === 'string' ? first.code : undefined;
  const intercomMessage = typeof first?.message === 'string' ? first.message : undefined;
  const message = `Intercom answered ${status}${intercomCode ? ` ${intercomCode}` : ''}${
    intercomMessage ? `: ${intercomMessage}` : ''
  }`;
  const code = codeForStatus(status);
  const retryAfterMs = code === 'INTERCOM_RATE_LIMITED' ? rateLimitWait(error, now) : undefined;
  return new AppError(code, message, {
    cause: error,
    requestId,
    status,
    retryAfterMs,
    details: { intercomCode, intercomMessage },
  });
}

export function codeForStatus(status: number): ErrorCode {
  if (status === 429) return 'INTERCOM_RATE_LIMITED';
  if (status === 401 || status === 403) return 'INTERCOM_UNAUTHORIZED';
  if (status === 408 || status >= 500) return 'INTERCOM_UNAVAILABLE';
  return 'INTERCOM_REJECTED';
}

function rateLimitWait(error: IntercomError, now: () => number): number {
  const headers = error.rawResponse?.headers;
  const snapshot = headers ? readRateLimitHeaders(headers) : undefined;
  if (!snapshot || snapshot.resetAtMs === 0) return FALLBACK_RATE_LIMIT_WAIT_MS;
  // The reset is in whole seconds; wait until it has surely passed, but never more than two windows.
  return Math.min(Math.max(snapshot.resetAtMs - now(), 0) + 50, 2 * FALLBACK_RATE_LIMIT_WAIT_MS);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
