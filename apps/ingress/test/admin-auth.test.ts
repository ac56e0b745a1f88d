import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, basic, useTestApp } from './test-app.ts';

const t = useTestApp({ admin: 'main' });

function listQueues(authorization?: string) {
  return t().app.inject({
    method: 'GET',
    url: '/admin/queues',
    headers: authorization === undefined ? {} : { authorization },
  });
}

describe('admin authentication', () => {
  it('answers 401 with Basic and Bearer challenges when no token is sent', async () => {
    const response = await listQueues();
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({ code: 'UNAUTHENTICATED' });
    const challenges = [response.headers['www-authenticate']].flat().join('\n');
    expect(challenges).toMatch(/^Basic realm="relay-admin"/m);
    expect(challenges).toMatch(/^Bearer realm="relay-admin"/m);
  });

  it('answers 401 for a wrong bearer token, a CRM-style token, or a Basic user without the password', async () => {
    for (const authorization of [
      'Bearer not-the-admin-token',
      `Bearer ${ADMIN_TOKEN}x`,
      basic(ADMIN_TOKEN, ''),
      basic('ops', 'wrong'),
      `Basic ${Buffer.from(ADMIN_TOKEN).toString('base64')}`,
      `Token ${ADMIN_TOKEN}`,
    ]) {
      const response = await listQueues(authorization);
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    const wrong = await listQueues('Bearer not-the-admin-token');
    expect(wrong.json().error.message).toBe('the admin token is not valid');
  });

  it('admits the bearer token, and Basic with any user name and the token as password', async () => {
    expect((await listQueues(`Bearer ${ADMIN_TOKEN}`)).statusCode).toBe(200);
    expect((await listQueues(basic('ops', ADMIN_TOKEN))).statusCode).toBe(200);
    expect((await listQueues(basic('', ADMIN_TOKEN))).statusCode).toBe(200);
  });

  it('guards every admin route, the dashboard and its API included', async () => {
    for (const [method, url] of [
      ['POST', '/admin/queues/sync/pause'],
      ['POST', '/admin/queues/sync/drain'],
      ['GET', '/admin/dead-letters'],
      ['POST', '/admin/dead-letters/replay'],
      ['GET', '/admin/ui'],
      ['GET', '/admin/ui/api/queues'],
    ] as const) {
      const response = await t().app.inject({ method, url });
      expect(response.statusCode, url).toBe(401);
    }
    expect(await t().queues.queue('sync').isPaused()).toBe(false);
  });

  it('logs refusals without the presented token', async () => {
    await listQueues('Bearer leaked-candidate-token');
    const refusals = t().logs.lines.filter((line) => line.includes('admin request refused'));
    expect(refusals.length).toBeGreaterThan(0);
    expect(t().logs.text()).not.toContain('leaked-candidate-token');
  });
});

describe('the queue dashboard', () => {
  it('serves the bull-board page as HTML with the token, 401 without', async () => {
    const page = await t().app.inject({
      method: 'GET',
      url: '/admin/ui',
      headers: { authorization: basic('ops', ADMIN_TOKEN) },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<base href="/admin/ui/" />');
    expect((await t().app.inject({ method: 'GET', url: '/admin/ui' })).statusCode).toBe(401);
  });

  it('shows all five lanes read-only and never a job’s data', async () => {
    await t().producer.enqueueContactUpserts([
      { external_id: 'crm-board', email: 'board-secret@example.com' },
    ]);
    const response = await t().admin({
      method: 'GET',
      url: '/admin/ui/api/queues?activeQueue=relay-sync&status=latest&page=1',
    });
    expect(response.statusCode).toBe(200);
    const { queues } = response.json() as {
      queues: { name: string; readOnlyMode: boolean; jobs: unknown[] }[];
    };
    expect(queues.map((queue) => queue.name).sort()).toEqual([
      'relay-backfill',
      'relay-crm',
      'relay-erasure',
      'relay-sync',
      'relay-webhook',
    ]);
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);
    expect(queues.find((queue) => queue.name === 'relay-sync')?.jobs.length).toBe(1);
    expect(response.body).not.toContain('board-secret@example.com');
    expect(response.body).not.toContain('crm-board');

    const clean = await t().admin({ method: 'PUT', url: '/admin/ui/api/queues/relay-sync/empty' });
    expect(clean.statusCode).toBe(405);
    expect((await t().queues.queue('sync').getJobCounts('waiting')).waiting).toBe(1);
  });
});

describe('without ADMIN_TOKEN', () => {
  const bare = useTestApp({ admin: false });

  it('has no admin routes at all: 404, whatever the credentials', async () => {
    for (const url of ['/admin/queues', '/admin/ui', '/admin/dead-letters']) {
      const response = await bare().app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
  });
});
