import { describe, expect, it } from 'vitest';
import { createAuthHold } from './auth-hold/auth-hold.ts';
import { createLocalHoldStore } from './auth-hold/hold-store.ts';
import { createIntercomClient } from './client.ts';
import { LightHeaders, LightResponse } from './light-response.ts';

const UNAUTHORIZED = '{"type":"error.list","errors":[{"code":"token_revoked"}]}';
const CONTACT = '{"type":"contact","id":"c1","external_id":"crm-1"}';

/** A fake Intercom that accepts only `valid`, and may rotate the token as a call arrives. */
function intercom(valid: string | (() => string), onCall: () => void = () => {}) {
  const seen: string[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const authorization = (init.headers as Record<string, string>).authorization ?? '';
    seen.push(authorization);
    onCall();
    const ok = authorization === `Bearer ${typeof valid === 'string' ? valid : valid()}`;
    return new LightResponse({
      status: ok ? 200 : 401,
      statusText: '',
      headers: new LightHeaders(new Map([['content-type', 'application/json']])),
      url,
      text: ok ? CONTACT : UNAUTHORIZED,
    });
  }) as unknown as typeof fetch;
  return { seen, fetchFn };
}

function client(token: () => string, fetchFn: typeof fetch) {
  const authHold = createAuthHold({ token });
  return createIntercomClient({ baseUrl: 'http://intercom', token, fetch: fetchFn, authHold });
}

describe('a 401 with an auth hold', () => {
  it('is retried once with the new token when the file changed while the call was out', async () => {
    let token = 'old';
    const { seen, fetchFn } = intercom('new', () => {
      token = 'new'; // rotated (and the old one revoked) while the first call was in flight
    });
    const contact = await client(() => token, fetchFn).getContact('c1');
    expect(contact.id).toBe('c1');
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
  });

  it('holds later calls without making them while the refused token stays in the file', async () => {
    let token = 'old';
    const { seen, fetchFn } = intercom('new');
    const intercomClient = client(() => token, fetchFn);
    await expect(intercomClient.getContact('c1')).rejects.toMatchObject({
      code: 'INTERCOM_UNAUTHORIZED',
      status: 401,
      retryAfterMs: 1_000,
    });
    await expect(intercomClient.getContact('c1')).rejects.toMatchObject({
      code: 'INTERCOM_UNAUTHORIZED',
      details: { source: 'auth_hold' },
    });
    expect(seen).toEqual(['Bearer old']); // one 401, then no call with the same token
    token = 'new';
    expect((await intercomClient.getContact('c1')).id).toBe('c1');
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
  });

  it('does not retry a 401 of a token that did not change', async () => {
    const { seen, fetchFn } = intercom('other');
    await expect(client(() => 'old', fetchFn).getContact('c1')).rejects.toMatchObject({
      status: 401,
    });
    expect(seen).toHaveLength(1);
  });

  it('ends the hold when a probe succeeds with the same token: calls go out again', async () => {
    let accepting = false;
    const { seen, fetchFn } = intercom(() => (accepting ? 'same' : 'refused-for-now'));
    const token = () => 'same';
    const base = { baseUrl: 'http://intercom', token, fetch: fetchFn };
    const authHold = createAuthHold({
      token,
      store: createLocalHoldStore({ firstProbeMs: 20 }),
      checkMs: 10,
      probe: () => prober.me(),
    });
    const prober = createIntercomClient({ ...base, authHold, probesAuthHold: true });
    const worker = createIntercomClient({ ...base, authHold });
    await expect(worker.getContact('c1')).rejects.toMatchObject({ status: 401 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // probes refused meanwhile
    await expect(worker.getContact('c1')).rejects.toMatchObject({
      details: { source: 'auth_hold' },
    });
    const refusedProbes = seen.length - 1;
    accepting = true; // the same token, accepted again
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await worker.getContact('c1')).id).toBe('c1');
    expect((await worker.getContact('c1')).id).toBe('c1');
    expect(refusedProbes).toBeGreaterThanOrEqual(1);
    authHold.close();
  });
});
