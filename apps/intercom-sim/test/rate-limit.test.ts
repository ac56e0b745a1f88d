import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, createManualClock } from './helpers.ts';

describe('rate limits over HTTP', () => {
  let sim: Simulator | undefined;
  afterEach(() => sim?.app.close());

  it('answers 429 rate_limit_exceeded with the headers once the app quota is used', async () => {
    const clock = createManualClock();
    sim = buildSimulator({ rateLimit: 2, now: clock.now });
    const first = await apiCall(sim, { url: '/me' });
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': String(Math.ceil((clock.now() + 5_000) / 1000)),
    });
    await apiCall(sim, { url: '/me' });
    const refused = await apiCall(sim, { url: '/me' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.json()).toEqual({
      type: 'error.list',
      request_id: refused.headers['x-request-id'],
      errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 2 in 10_seconds' }],
    });
  });

  it('serves again at the next epoch-aligned window', async () => {
    const clock = createManualClock();
    sim = buildSimulator({ rateLimit: 1, now: clock.now });
    await apiCall(sim, { url: '/me' });
    expect((await apiCall(sim, { url: '/me' })).statusCode).toBe(429);
    clock.advance(4_999);
    expect((await apiCall(sim, { url: '/me' })).statusCode).toBe(429);
    clock.advance(1);
    const next = await apiCall(sim, { url: '/me' });
    expect(next.statusCode).toBe(200);
    expect(next.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('enforces the workspace quota across apps, naming the workspace limit', async () => {
    const clock = createManualClock();
    sim = buildSimulator({
      tokens: [
        { token: 'a', appId: 'app-a' },
        { token: 'b', appId: 'app-b' },
      ],
      rateLimit: 5,
      workspaceRateLimit: 3,
      now: clock.now,
    });
    await apiCall(sim, { url: '/me', token: 'a' });
    await apiCall(sim, { url: '/me', token: 'a' });
    await apiCall(sim, { url: '/me', token: 'b' });
    const refused = await apiCall(sim, { url: '/me', token: 'b' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-ratelimit-limit']).toBe('5');
    expect(refused.json().errors[0].message).toBe('Exceeded rate limit of 3 in 10_seconds');
  });

  it('counts calls and 429s in /__sim/stats per window', async () => {
    const clock = createManualClock();
    sim = buildSimulator({ rateLimit: 1, now: clock.now });
    await apiCall(sim, { url: '/me' });
    await apiCall(sim, { url: '/me' });
    const stats = (await sim.app.inject({ url: '/__sim/stats' })).json();
    expect(stats.rateLimited).toBe(1);
    expect(stats.calls['GET /me']).toEqual({ '200': 1, '429': 1 });
    expect(stats.rateLimit.current).toMatchObject({
      workspaceUsed: 1,
      rejected: 1,
      apps: { simapp: 1 },
    });
  });

  it('does not rate-limit control routes', async () => {
    sim = buildSimulator({ rateLimit: 1 });
    for (let i = 0; i < 3; i++) {
      const response = await sim.app.inject({ url: '/__sim/stats' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});
