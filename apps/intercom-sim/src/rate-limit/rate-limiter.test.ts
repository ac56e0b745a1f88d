import { describe, expect, it } from 'vitest';
import { createRateLimiter, describeWindow } from './rate-limiter.ts';

const windowStart = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('createRateLimiter', () => {
  it('allows appLimit calls per window and reports the window end in epoch seconds', () => {
    const limiter = createRateLimiter({ appLimit: 2, workspaceLimit: 10, windowMs: 10_000 });
    const at = windowStart + 3_000;
    expect(limiter.take('a', at)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetSeconds: windowStart / 1000 + 10,
    });
    expect(limiter.take('a', at).remaining).toBe(0);
    expect(limiter.take('a', at)).toMatchObject({ allowed: false, remaining: 0, exceeded: 'app' });
  });

  it('starts a fresh window on the epoch-aligned boundary', () => {
    const limiter = createRateLimiter({ appLimit: 1, workspaceLimit: 10, windowMs: 10_000 });
    expect(limiter.take('a', windowStart + 9_999).allowed).toBe(true);
    expect(limiter.take('a', windowStart + 9_999).allowed).toBe(false);
    expect(limiter.take('a', windowStart + 10_000).allowed).toBe(true);
  });

  it('does not count refused calls against the window', () => {
    const limiter = createRateLimiter({ appLimit: 1, workspaceLimit: 10, windowMs: 10_000 });
    limiter.take('a', windowStart);
    for (let i = 0; i < 5; i++) limiter.take('a', windowStart);
    const usage = limiter.usage(windowStart).current;
    expect(usage).toMatchObject({ workspaceUsed: 1, rejected: 5, apps: { a: 1 } });
  });

  it('shares the workspace quota between apps and reports the smaller remainder', () => {
    const limiter = createRateLimiter({ appLimit: 5, workspaceLimit: 3, windowMs: 10_000 });
    limiter.take('a', windowStart);
    limiter.take('a', windowStart);
    expect(limiter.take('b', windowStart)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.take('b', windowStart)).toMatchObject({ allowed: false, exceeded: 'workspace' });
  });

  it('rounds the reset up to whole seconds for windows that end mid-second', () => {
    const limiter = createRateLimiter({ appLimit: 5, workspaceLimit: 5, windowMs: 1_500 });
    // window 0 of 1.5 s ends at 1.5 s → reported as 2
    expect(limiter.peek('a', 100).resetSeconds).toBe(2);
  });

  it('keeps past windows in the usage history', () => {
    const limiter = createRateLimiter({ appLimit: 5, workspaceLimit: 5, windowMs: 10_000 });
    limiter.take('a', windowStart);
    limiter.take('a', windowStart + 10_000);
    const usage = limiter.usage(windowStart + 10_000);
    expect(usage.history).toEqual([
      {
        window: windowStart / 10_000,
        startMs: windowStart,
        workspaceUsed: 1,
        rejected: 0,
        apps: { a: 1 },
      },
    ]);
  });

  it('names the window like Intercom does', () => {
    expect(describeWindow(10_000)).toBe('10_seconds');
    expect(describeWindow(1_500)).toBe('1500_milliseconds');
  });
});
