import { IntercomClient } from 'intercom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import type { SimulatorOptions } from '../src/options.ts';
import { apiCall, createManualClock, token, useListeningSimulators } from './helpers.ts';

describe('fault injection', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.app.close();
    sim = undefined;
  });
  const listen = useListeningSimulators();

  const build = (options: SimulatorOptions = {}) => {
    sim = buildSimulator(options);
    return sim;
  };
  const setFaults = (target: Simulator, faults: unknown) =>
    target.app.inject({ method: 'POST', url: '/__sim/faults', payload: faults as object });
  const createContact = (target: Simulator) =>
    apiCall(target, { method: 'POST', url: '/contacts', body: { external_id: 'crm-1' } });
  const contactCount = (target: Simulator) => [...target.state.contacts.all()].length;

  it('answers an injected status before any effect, with rate-limit headers', async () => {
    const target = build();
    await setFaults(target, { errorRates: { '503': 1 } });
    const response = await createContact(target);
    expect(response.statusCode).toBe(503);
    expect(response.json().errors[0].code).toBe('server_error');
    expect(response.headers['x-ratelimit-limit']).toBe('1666');
    expect(contactCount(target)).toBe(0);
    expect(target.state.stats.snapshot().faults.injectedErrors).toBe(1);
  });

  it('draws injected statuses from the random source, lowest status first', async () => {
    const target = build({ random: () => 0.5, faults: { errorRates: { '503': 0.3, '500': 0.3 } } });
    // 0.5 misses 500's [0, 0.3) and lands in 503's [0.3, 0.6)
    expect((await apiCall(target, { url: '/me' })).statusCode).toBe(503);
    const lucky = buildSimulator({
      random: () => 0.7,
      faults: { errorRates: { '503': 0.3, '500': 0.3 } },
    });
    expect((await apiCall(lucky, { url: '/me' })).statusCode).toBe(200);
    await lucky.app.close();
  });

  it('answers an injected 429 in the rate-limit envelope', async () => {
    const target = build({ faults: { errorRates: { '429': 1 } } });
    const response = await apiCall(target, { url: '/me' });
    expect(response.statusCode).toBe(429);
    expect(response.json().errors[0].code).toBe('rate_limit_exceeded');
  });

  it('answers 429 to everything during a storm without consuming quota, until it ends', async () => {
    const clock = createManualClock();
    const target = build({ now: clock.now });
    await setFaults(target, { rateLimitedForMs: 30_000 });
    const refused = await apiCall(target, { url: '/me' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(target.state.rateLimiter.usage(clock.now()).current.workspaceUsed).toBe(0);
    clock.advance(30_000);
    expect((await apiCall(target, { url: '/me' })).statusCode).toBe(200);
  });

  it('answers 401 token_revoked for a revoked token until faults are cleared', async () => {
    const target = build();
    await setFaults(target, { revokedTokens: [token] });
    const revoked = await apiCall(target, { url: '/me' });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().errors[0]).toEqual({ code: 'token_revoked', message: 'Token revoked' });
    await target.app.inject({ method: 'DELETE', url: '/__sim/faults' });
    expect((await apiCall(target, { url: '/me' })).statusCode).toBe(200);
  });

  it('answers 503 to every API call during an outage, authenticated or not', async () => {
    const target = build({ faults: { outage: true } });
    for (const call of [{ url: '/me' }, { url: '/me', token: null }]) {
      const response = await apiCall(target, call);
      expect(response.statusCode).toBe(503);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
    expect((await target.app.inject({ url: '/__sim/stats' })).statusCode).toBe(200);
  });

  it('returns to the start-up faults on DELETE /__sim/faults', async () => {
    const target = build({ faults: { outage: true } });
    await setFaults(target, { outage: false });
    expect((await apiCall(target, { url: '/me' })).statusCode).toBe(200);
    const cleared = await target.app.inject({ method: 'DELETE', url: '/__sim/faults' });
    expect(cleared.json()).toEqual({ faults: { outage: true } });
    expect((await apiCall(target, { url: '/me' })).statusCode).toBe(503);
  });

  it('answers 200 with a truncated body when malformed, having applied the effect', async () => {
    const target = build({ faults: { malformedRate: 1 } });
    const response = await createContact(target);
    expect(response.statusCode).toBe(200);
    expect(() => JSON.parse(response.body)).toThrow();
    expect(contactCount(target)).toBe(1);
    expect(target.state.journal.list().entries[0]?.outcome).toBe('malformed');
  });

  it('leaves error answers intact when malformed is on', async () => {
    const target = build();
    await createContact(target);
    await setFaults(target, { malformedRate: 1 });
    const duplicate = await createContact(target);
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().errors[0].code).toBe('conflict');
  });

  // A hazard worth knowing in packages/intercom: the SDK does not throw on a garbled 200.
  it('makes the SDK resolve with { ok: false, error: { reason: "non-json" } }', async () => {
    const running = await listen({ faults: { malformedRate: 1 } });
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    const result: unknown = await client.contacts.create({ external_id: 'crm-1' });
    expect(result).toMatchObject({ ok: false, error: { reason: 'non-json', statusCode: 200 } });
    expect([...running.state.contacts.all()]).toHaveLength(1);
  });

  it('refuses unknown or out-of-range faults with the problems listed', async () => {
    const target = build();
    const response = await setFaults(target, {
      hangRate: 2,
      errorRates: { '200': 0.5 },
      typo: true,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      'unknown fault "typo"',
      'hangRate must be in [0, 1]',
      'errorRates key "200" must be an HTTP status 400-599',
    ]);
  });

  it('keeps a hung request open without answering and counts it', async () => {
    const running = await listen({ faults: { hangRate: 1 } });
    const outcome = await fetch(`${running.baseUrl}/me`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(200),
    }).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(running.state.stats.snapshot().faults.hung).toBe(1);
    expect(running.state.journal.list().entries[0]).toMatchObject({ status: 0, outcome: 'hang' });
  });

  it('hangs only the drawn fraction of requests', async () => {
    const draws = [0.05, 0.5];
    const running = await listen({
      faults: { hangRate: 0.1 },
      random: () => draws.shift() ?? 0.9,
    });
    const ask = () =>
      fetch(`${running?.baseUrl}/me`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(200),
      }).then(
        (r) => r.status,
        (err: Error) => err.name,
      );
    expect(await ask()).toBe('TimeoutError');
    expect(await ask()).toBe(200);
  });

  it('destroys the socket on a connection reset', async () => {
    const running = await listen({ faults: { connectionResetRate: 1 } });
    const outcome = await fetch(`${running.baseUrl}/me`, {
      headers: { authorization: `Bearer ${token}` },
    }).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    expect(outcome).toBe('fetch failed');
    expect(running.state.stats.snapshot().faults.connectionResets).toBe(1);
  });

  it('adds latency and still answers', async () => {
    const target = build({ faults: { latencyMs: { min: 1, max: 3 } }, random: () => 0.5 });
    expect(target.state.faults.latencyMs()).toBe(2);
    expect((await apiCall(target, { url: '/me' })).statusCode).toBe(200);
  });
});
