import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { ErrorCodes } from './codes.ts';

describe('AppError', () => {
  it('takes status and retryable from the catalog, never from the caller', () => {
    const error = new AppError('INTERCOM_RATE_LIMITED', 'slow down', { retryAfterMs: 1200 });
    expect(error.httpStatus).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1200);
  });

  it('chains the cause and serializes without it', () => {
    const cause = new Error('socket hang up');
    const error = new AppError('INTERCOM_UNAVAILABLE', 'Intercom did not answer', {
      cause,
      requestId: 'req-1',
      status: 503,
    });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'INTERCOM_UNAVAILABLE',
      message: 'Intercom did not answer',
      retryable: true,
      requestId: 'req-1',
      status: 503,
    });
  });

  it('has a 4xx for every non-retryable input error and a 5xx for every retryable one', () => {
    for (const [code, { httpStatus, retryable }] of Object.entries(ErrorCodes)) {
      if (code.startsWith('INTERCOM_') || code === 'INTERNAL' || code === 'CONFIG_INVALID')
        continue;
      expect(retryable ? httpStatus >= 500 : httpStatus < 500, code).toBe(true);
    }
  });
});
