import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import type { SimulatorOptions } from '../src/options.ts';
import { apiCall, createManualClock, token, useListeningSimulators } from './helpers.ts';

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

type ErrorList = { errors: Array<{ code: string; message: string }> };

describe('bursts across window boundaries (listening simulator, clock set over /__sim/clock)', () => {
  // A window boundary: windows are floor(epochMs / 10 000), so this is the start of one.
  const boundary = Date.UTC(2026, 0, 1, 0, 0, 10);
  const boundarySeconds = boundary / 1000;
  const listen = useListeningSimulators();

  function start(options: SimulatorOptions) {
    return listen({ clockControl: true, ...options });
  }

  async function setClock(baseUrl: string, body: object) {
    const response = await fetch(`${baseUrl}/__sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  /** Fires `count` concurrent GET /me and returns status and rate headers of each answer. */
  async function burst(baseUrl: string, count: number, bearer = token) {
    const answers = await Promise.all(
      Array.from({ length: count }, () =>
        fetch(`${baseUrl}/me`, { headers: { authorization: `Bearer ${bearer}` } }),
      ),
    );
    return Promise.all(
      answers.map(async (answer) => ({
        status: answer.status,
        limit: answer.headers.get('x-ratelimit-limit'),
        remaining: Number(answer.headers.get('x-ratelimit-remaining')),
        reset: Number(answer.headers.get('x-ratelimit-reset')),
        message:
          answer.status === 429 ? ((await answer.json()) as ErrorList).errors[0]?.message : null,
      })),
    );
  }
  const remainders = (answers: Awaited<ReturnType<typeof burst>>) =>
    answers
      .filter((a) => a.status === 200)
      .map((a) => a.remaining)
      .sort();

  it('allows exactly the quota per window, with exact remainders and resets', async () => {
    const sim = await start({ rateLimit: 5 });
    await setClock(sim.baseUrl, { setMs: boundary - 1_000, freeze: true });

    const first = await burst(sim.baseUrl, 8);
    expect(first.filter((a) => a.status === 200)).toHaveLength(5);
    expect(first.filter((a) => a.status === 429)).toHaveLength(3);
    expect(remainders(first)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(first.map((a) => a.reset))).toEqual(new Set([boundarySeconds]));
    expect(new Set(first.map((a) => a.limit))).toEqual(new Set(['5']));
    expect(first.find((a) => a.status === 429)).toMatchObject({
      remaining: 0,
      message: 'Exceeded rate limit of 5 in 10_seconds',
    });

    await setClock(sim.baseUrl, { advanceMs: 999 }); // 1 ms before the boundary
    const late = await burst(sim.baseUrl, 3);
    expect(late.map((a) => [a.status, a.remaining, a.reset])).toEqual(
      Array(3).fill([429, 0, boundarySeconds]),
    );

    await setClock(sim.baseUrl, { advanceMs: 1 }); // exactly on it: a fresh window
    const next = await burst(sim.baseUrl, 8);
    expect(remainders(next)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(next.map((a) => a.reset))).toEqual(new Set([boundarySeconds + 10]));

    // biome-ignore lint/suspicious/noExplicitAny: a JSON answer, checked field by field below
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as any;
    expect(stats.calls['GET /me']).toEqual({ '200': 10, '429': 9 });
    expect(stats.rateLimit.history.at(-1)).toEqual({
      window: boundary / 10_000 - 1,
      startMs: boundary - 10_000,
      workspaceUsed: 5,
      rejected: 6,
      apps: { simapp: 5 },
    });
    expect(stats.rateLimit.current).toMatchObject({
      window: boundary / 10_000,
      workspaceUsed: 5,
      rejected: 3,
    });
  });

  it('counts a burst straddling the boundary in two windows', async () => {
    const sim = await start({ rateLimit: 5 });
    await setClock(sim.baseUrl, { setMs: boundary - 1, freeze: true });
    const before = await burst(sim.baseUrl, 3);
    await setClock(sim.baseUrl, { advanceMs: 1 });
    const after = await burst(sim.baseUrl, 3);
    expect(before.every((a) => a.status === 200 && a.reset === boundarySeconds)).toBe(true);
    expect(after.every((a) => a.status === 200 && a.reset === boundarySeconds + 10)).toBe(true);
    expect(remainders(before)).toEqual([2, 3, 4]);
    expect(remainders(after)).toEqual([2, 3, 4]);
  });

  it('shares the workspace quota between apps within a window, not across', async () => {
    const sim = await start({
      tokens: [
        { token: 'token-a', appId: 'app-a' },
        { token: 'token-b', appId: 'app-b' },
      ],
      rateLimit: 5,
      workspaceRateLimit: 8,
    });
    await setClock(sim.baseUrl, { setMs: boundary - 500, freeze: true });
    const a = await burst(sim.baseUrl, 5, 'token-a');
    expect(remainders(a)).toEqual([0, 1, 2, 3, 4]);
    const b = await burst(sim.baseUrl, 5, 'token-b');
    // b's own quota has room; the workspace's 8 binds, and the remainder says so.
    expect(remainders(b)).toEqual([0, 1, 2]);
    expect(b.filter((x) => x.status === 429).map((x) => x.message)).toEqual([
      'Exceeded rate limit of 8 in 10_seconds',
      'Exceeded rate limit of 8 in 10_seconds',
    ]);

    await setClock(sim.baseUrl, { advanceMs: 500 });
    const fresh = await burst(sim.baseUrl, 5, 'token-b');
    expect(remainders(fresh)).toEqual([0, 1, 2, 3, 4]);
  });
});
