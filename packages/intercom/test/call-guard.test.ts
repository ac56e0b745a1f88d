import { AppError } from '@relay/errors';
import { useRedis } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { createRateBudget } from '../src/budget/rate-budget.ts';
import { createCallGuard } from '../src/call-guard.ts';

const redis = useRedis();
let appNumber = 0;

/** A spent budget whose window is short, so that the next one comes soon. */
async function spentBudget() {
  appNumber += 1;
  const budget = createRateBudget({
    redis: redis.client,
    prefix: redis.prefix,
    appId: `guard-app${appNumber}`,
    limitPerWindow: 2,
    windowMs: 1_000,
    headroom: 0,
    lanes: ['webhook'],
    permitBlock: 1,
  });
  while ((await budget.acquire('webhook')).granted) {}
  return budget;
}

describe('call guard', () => {
  it('refuses at once when the budget is spent and the caller does not wait (a queued job)', async () => {
    const guard = createCallGuard({ lane: 'webhook', budget: await spentBudget() });
    const refusal = await guard.beforeCall?.('GET /me').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'INTERCOM_RATE_LIMITED', retryable: true });
    expect((refusal as AppError).retryAfterMs).toBeGreaterThan(0);
    expect((refusal as AppError).retryAfterMs).toBeLessThanOrEqual(1_100);
  });

  it('waits for the next window when the caller may wait that long (a read behind an HTTP request)', async () => {
    const guard = createCallGuard({
      lane: 'webhook',
      budget: await spentBudget(),
      maxWaitMs: 2_000,
    });
    const settle = await guard.beforeCall?.('GET /me');
    expect(typeof settle).toBe('function');
  });

  it('still refuses when the next window is further away than the caller may wait', async () => {
    const guard = createCallGuard({ lane: 'webhook', budget: await spentBudget(), maxWaitMs: 1 });
    await expect(guard.beforeCall?.('GET /me')).rejects.toMatchObject({
      code: 'INTERCOM_RATE_LIMITED',
    });
  });
});
