import { describe, expect, it } from 'vitest';
import { createAuthHold } from './auth-hold/auth-hold.ts';
import { createIntercomProbe } from './health-probe.ts';
import { LightHeaders, LightResponse } from './light-response.ts';

const ME = '{"type":"admin","id":"1","app":{"id_code":"simapp"}}';
const REVOKED = '{"type":"error.list","errors":[{"code":"token_revoked"}]}';

/** A fake Intercom that answers GET /me 200, or 401 while `refusing()`. */
function intercom(refusing: () => boolean) {
  return (async (url: string) =>
    new LightResponse({
      status: refusing() ? 401 : 200,
      statusText: '',
      headers: new LightHeaders(new Map([['content-type', 'application/json']])),
      url,
      text: refusing() ? REVOKED : ME,
    })) as unknown as typeof fetch;
}

describe('the /readyz probe and the auth hold', () => {
  it('goes out while calls are held, and its success ends the hold', async () => {
    let refusing = true;
    const token = () => 'the-token';
    const authHold = createAuthHold({ token });
    const probe = createIntercomProbe({
      baseUrl: 'http://intercom',
      token,
      authHold,
      cacheMs: 0,
      fetch: intercom(() => refusing),
    });
    const refused = await probe.check();
    expect(refused).toMatchObject({
      status: 'unauthorized',
      authHold: { probes: 0, since: expect.any(String) },
    });
    expect(() => authHold.admit()).toThrow(/calls are held/);

    refusing = false; // the same token, accepted again
    expect(await probe.check()).toMatchObject({ status: 'up', authHold: null });
    expect(() => authHold.admit()).not.toThrow();
    authHold.close();
  });

  it('asks again when a refusal it cached was followed by the end of the hold elsewhere', async () => {
    let refusing = true;
    let time = 1_000_000;
    const token = () => 'the-token';
    const authHold = createAuthHold({ token });
    const probe = createIntercomProbe({
      baseUrl: 'http://intercom',
      token,
      authHold,
      cacheMs: 10_000,
      now: () => time,
      fetch: intercom(() => refusing),
    });
    expect(await probe.check()).toMatchObject({ status: 'unauthorized' });
    refusing = false;
    authHold.accepted('the-token'); // another client's call succeeded with the token
    expect(await probe.check()).toMatchObject({ status: 'unauthorized', authHold: null });
    time += 1_000;
    expect(await probe.check()).toMatchObject({ status: 'up', authHold: null });
    authHold.close();
  });
});
