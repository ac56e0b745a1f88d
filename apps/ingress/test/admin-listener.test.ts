import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ADMIN_TOKEN, basic, CRM_TOKEN, useTestApp } from './test-app.ts';

const t = useTestApp({ admin: 'separate' });

describe('/admin on a listener of its own (ADMIN_PORT)', () => {
  let base = '';
  beforeAll(async () => {
    const adminApp = t().adminApp;
    if (!adminApp) throw new Error('expected an admin app');
    await adminApp.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(adminApp.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t().adminApp?.close();
  });

  it('is absent from the main app (404), the token notwithstanding', async () => {
    for (const url of ['/admin/queues', '/admin/ui', '/admin/dead-letters']) {
      const response = await t().app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
    // The main app still does its own work.
    const push = await t().app.inject({
      method: 'POST',
      url: '/v1/contacts',
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
      payload: { contacts: [{ external_id: 'crm-listener' }] },
    });
    expect(push.statusCode).toBe(202);
  });

  it('answers /admin over HTTP on the admin listener, with the same auth', async () => {
    const list = await fetch(`${base}/admin/queues`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(list.status).toBe(200);
    const { queues } = (await list.json()) as { queues: { lane: string; counts: object }[] };
    expect(queues.find((queue) => queue.lane === 'sync')?.counts).toMatchObject({ waiting: 1 });

    const pause = await fetch(`${base}/admin/queues/sync/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await pause.json()).toEqual({ lane: 'sync', paused: true });
    const resume = await fetch(`${base}/admin/queues/sync/resume`, {
      method: 'POST',
      headers: { authorization: basic('ops', ADMIN_TOKEN), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await resume.json()).toEqual({ lane: 'sync', paused: false });

    const page = await fetch(`${base}/admin/ui`, {
      headers: { authorization: basic('ops', ADMIN_TOKEN) },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);

    const refused = await fetch(`${base}/admin/queues`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/Basic realm="relay-admin"/);
  });

  it('serves nothing but /admin there', async () => {
    for (const path of ['/healthz', '/metrics', '/v1/contacts']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it('times admin requests by route template, never by the raw path', async () => {
    await t().admin({ method: 'POST', url: '/admin/queues/webhook/pause' });
    await t().admin({ method: 'POST', url: '/admin/queues/webhook/resume' });
    const text = await t().metrics.registry.getSingleMetricAsString(
      'relay_http_request_duration_seconds',
    );
    expect(text).toContain('route="/admin/queues/:lane/pause"');
    expect(text).toContain('route="/admin/queues"');
    expect(text).not.toContain('/admin/queues/webhook');
  });
});

describe('ADMIN_PORT and ADMIN_HOST', () => {
  const required = { INTERCOM_CLIENT_SECRET: 'secret', CRM_API_TOKENS: 'crm-token' };

  it('serve /admin on the main port by default, and on 127.0.0.1:ADMIN_PORT when set', () => {
    expect(loadConfig({ ...required, ADMIN_TOKEN: 'admin' })).toMatchObject({
      adminPort: undefined,
      adminHost: '127.0.0.1',
    });
    expect(
      loadConfig({ ...required, ADMIN_TOKEN: 'admin', ADMIN_PORT: '9090', ADMIN_HOST: '10.0.0.5' }),
    ).toMatchObject({ adminPort: 9090, adminHost: '10.0.0.5' });
  });

  it('refuse ADMIN_PORT without ADMIN_TOKEN, equal to PORT, or not a port', () => {
    expect(() => loadConfig({ ...required, ADMIN_PORT: '9090' })).toThrow(
      /ADMIN_PORT is set without ADMIN_TOKEN/,
    );
    expect(() =>
      loadConfig({ ...required, ADMIN_TOKEN: 'admin', PORT: '3000', ADMIN_PORT: '3000' }),
    ).toThrow(/ADMIN_PORT must differ from PORT/);
    expect(() => loadConfig({ ...required, ADMIN_TOKEN: 'admin', ADMIN_PORT: 'admin' })).toThrow(
      /ADMIN_PORT must be a whole number/,
    );
  });
});
