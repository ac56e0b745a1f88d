import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRequestLimiter } from './request-limiter.ts';

const limits = { perSecond: 0, perMinute: 10 };

describe('createRequestLimiter', () => {
  it('is off (undefined) when every limit is 0', () => {
    const redis = {} as Redis;
    expect(
      createRequestLimiter({ redis, prefix: '{p}', limits: { perSecond: 0, perMinute: 0 } }),
    ).toBeUndefined();
  });

  it('lets the request through, unchecked, when Redis fails or does not answer in time', async () => {
    const failing = {
      evalsha: () => Promise.reject(new Error('Connection is closed.')),
    } as unknown as Redis;
    const silent = { evalsha: () => new Promise(() => {}) } as unknown as Redis;
    for (const redis of [failing, silent]) {
      const limiter = createRequestLimiter({ redis, prefix: '{p}', limits, timeoutMs: 20 });
      expect(await limiter?.take('token')).toEqual({ allowed: true, checked: false });
    }
  });

  it('names the window and the wait when Redis says no', async () => {
    const redis = { evalsha: async () => [0, 1_500, 1] } as unknown as Redis;
    const limiter = createRequestLimiter({ redis, prefix: '{p}', limits });
    expect(await limiter?.take('token')).toEqual({
      allowed: false,
      retryAfterMs: 1_500,
      limit: 10,
      window: 'minute',
    });
  });

  it('loads the script when Redis does not know it (NOSCRIPT), and never sends the token', async () => {
    const calls: unknown[][] = [];
    const redis = {
      evalsha: async (...args: unknown[]) => {
        calls.push(['evalsha', ...args]);
        throw new Error('NOSCRIPT No matching script.');
      },
      eval: async (...args: unknown[]) => {
        calls.push(['eval', ...args]);
        return [1, 0, 0];
      },
    } as unknown as Redis;
    const limiter = createRequestLimiter({ redis, prefix: '{p}', limits });
    expect(await limiter?.take('secret-token')).toEqual({ allowed: true, checked: true });
    expect(calls.map((call) => call[0])).toEqual(['evalsha', 'eval']);
    expect(JSON.stringify(calls)).not.toContain('secret-token');
    expect(calls[1]?.[3]).toMatch(/^\{p\}:request-limit:[0-9a-f]{32}:minute$/);
  });
});
