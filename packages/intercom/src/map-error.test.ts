import { AppError } from '@relay/errors';
import { IntercomError, IntercomTimeoutError } from 'intercom-client';
import { describe, expect, it } from 'vitest';
import { toAppError } from './map-error.ts';

function intercomError(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new IntercomError({
    statusCode: status,
    body,
    rawResponse: {
      headers: new Headers(headers),
      redirected: false,
      status,
      statusText: '',
      type: 'basic',
      url: 'http://sim/contacts',
    },
  });
}

const envelope = (code: string, message: string) => ({
  type: 'error.list',
  request_id: 'req-42',
  errors: [{ code, message }],
});

describe('toAppError', () => {
  it('retries a success whose body is not JSON (garbled on the way) instead of failing the job', () => {
    const error = toAppError(intercomError(200, '{"type":"contact","id":'));
    expect(error).toMatchObject({ code: 'INTERCOM_UNAVAILABLE', retryable: true, status: 200 });
  });

  it('maps a 429 to RATE_LIMITED and waits until X-RateLimit-Reset', () => {
    const now = 1_700_000_003_000;
    const error = toAppError(
      intercomError(429, envelope('rate_limit_exceeded', 'Exceeded rate limit'), {
        'x-ratelimit-limit': '167',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1700000010',
      }),
      () => now,
    );
    expect(error.code).toBe('INTERCOM_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7_050);
    expect(error.requestId).toBe('req-42');
  });

  it.each([
    [401, 'INTERCOM_UNAUTHORIZED', false],
    [403, 'INTERCOM_UNAUTHORIZED', false],
    [404, 'INTERCOM_REJECTED', false],
    [409, 'INTERCOM_REJECTED', false],
    [422, 'INTERCOM_REJECTED', false],
    [408, 'INTERCOM_UNAVAILABLE', true],
    [500, 'INTERCOM_UNAVAILABLE', true],
    [503, 'INTERCOM_UNAVAILABLE', true],
  ] as const)('maps %i to %s (retryable: %s)', (status, code, retryable) => {
    const error = toAppError(intercomError(status, envelope('x', 'y')));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`Intercom answered ${status} x: y`);
  });

  it('maps timeouts and network failures to UNAVAILABLE', () => {
    expect(
      toAppError(new IntercomTimeoutError('Timeout exceeded when calling POST /contacts.')).code,
    ).toBe('INTERCOM_UNAVAILABLE');
    expect(toAppError(new IntercomError({ message: 'fetch failed' })).code).toBe(
      'INTERCOM_UNAVAILABLE',
    );
  });

  it('keeps an AppError as it is and survives a body that is not an envelope', () => {
    const original = new AppError('INTERCOM_REJECTED', 'no');
    expect(toAppError(original)).toBe(original);
    expect(toAppError(intercomError(502, '<html>bad gateway</html>')).requestId).toBeUndefined();
  });
});
