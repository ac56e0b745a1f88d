import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall } from './helpers.ts';

describe('authentication and common headers', () => {
  let sim: Simulator;
  beforeEach(() => {
    sim = buildSimulator();
  });
  afterEach(() => sim.app.close());

  it('answers 401 unauthorized without rate-limit headers when Authorization is missing', async () => {
    const response = await apiCall(sim, { url: '/me', token: null });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      type: 'error.list',
      request_id: response.headers['x-request-id'],
      errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }],
    });
    expect(response.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('answers 401 token_not_found for an unknown token', async () => {
    const response = await apiCall(sim, { url: '/me', token: 'nope' });
    expect(response.statusCode).toBe(401);
    expect(response.json().errors[0].code).toBe('token_not_found');
  });

  it('gives every answer a uuid X-Request-Id, equal to the error request_id', async () => {
    const ok = await apiCall(sim, { url: '/me' });
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await apiCall(sim, { url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().request_id).toBe(missing.headers['x-request-id']);
    const control = await sim.app.inject({ url: '/__sim/health' });
    expect(control.headers['x-request-id']).toBeDefined();
  });

  it('answers 406 when Accept excludes JSON, and accepts */* or no Accept', async () => {
    const refused = await apiCall(sim, { url: '/me', headers: { accept: 'text/html' } });
    expect(refused.statusCode).toBe(406);
    expect(refused.json().type).toBe('error.list');
    expect((await apiCall(sim, { url: '/me', headers: { accept: '*/*' } })).statusCode).toBe(200);
    expect((await apiCall(sim, { url: '/me' })).statusCode).toBe(200);
  });

  it('echoes Intercom-Version, defaults to 2.14 and refuses unknown versions with 400', async () => {
    const pinned = await apiCall(sim, { url: '/me', headers: { 'intercom-version': '2.11' } });
    expect(pinned.headers['intercom-version']).toBe('2.11');
    const unpinned = await apiCall(sim, { url: '/me' });
    expect(unpinned.headers['intercom-version']).toBe('2.14');
    const unknown = await apiCall(sim, { url: '/me', headers: { 'intercom-version': '9.9' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].code).toBe('intercom_version_invalid');
    expect(unknown.headers['x-ratelimit-limit']).toBe('1666');
  });

  it('identifies the admin with the workspace as app.id_code', async () => {
    const custom = buildSimulator({ workspaceId: 'ws42' });
    const me = (await apiCall(custom, { url: '/me' })).json();
    expect(me).toMatchObject({ type: 'admin', app: { type: 'app', id_code: 'ws42' } });
    const admins = (await apiCall(custom, { url: '/admins' })).json();
    expect(admins.type).toBe('admin.list');
    expect(admins.admins[0].id).toBe(me.id);
    await custom.app.close();
  });

  it('maps several tokens to their apps', async () => {
    const multi = buildSimulator({
      tokens: [
        { token: 'a', appId: 'app-a' },
        { token: 'b', appId: 'app-b' },
      ],
    });
    expect((await apiCall(multi, { url: '/me', token: 'a' })).statusCode).toBe(200);
    expect((await apiCall(multi, { url: '/me', token: 'b' })).statusCode).toBe(200);
    expect((await apiCall(multi, { url: '/me', token: 'sim-token' })).statusCode).toBe(401);
    expect(multi.state.journal.list().entries.map((e) => e.appId)).toEqual([
      'app-a',
      'app-b',
      null,
    ]);
    await multi.app.close();
  });

  it('answers 400 in the error envelope for a body that is not JSON', async () => {
    const response = await apiCall(sim, {
      method: 'POST',
      url: '/contacts',
      body: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().type).toBe('error.list');
  });
});
