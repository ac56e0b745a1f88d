import { appendToChangeLog, markChangeLogTrimmed, useRedis } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, FEED_RETENTION_MS, useTestApp } from './test-app.ts';

const redis = useRedis();
const t = useTestApp({ admin: 'main', redis });

// Recorded at fixed times, so the status's `at` is known: 2026-12-06T16:40:00Z and a minute later.
const FIRST_MS = 1_796_575_200_000;
const LATER_MS = FIRST_MS + 60_000;

async function appendChange(cursor: string, externalId: string) {
  await appendToChangeLog(redis.client, redis.prefix, cursor, {
    type: 'contact.updated',
    data: {
      object: 'contact',
      intercom_id: `ic-${externalId}`,
      external_id: externalId,
      version: 2,
      changed: ['phone'],
      attributes: { phone: '+4915112345678' },
      source: 'webhook',
      occurred_at: Math.floor(FIRST_MS / 1000),
    },
  });
}

function admin(url: string) {
  return t().admin({ method: 'GET', url });
}

describe('GET /admin/feed/status', () => {
  it('reports an empty log, the retention this ingress is configured with, and the push', async () => {
    const response = await admin('/admin/feed/status');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      length: 0,
      oldest: null,
      newest: null,
      trimmedBefore: null,
      retentionMs: FEED_RETENTION_MS,
      push: { endpointState: 'ok', undelivered: 0 },
    });
  });

  it('reports the length, the oldest and newest change with when they were recorded, and the trim mark', async () => {
    await appendChange(`${FIRST_MS}-0`, 'crm-1');
    await appendChange(`${FIRST_MS}-1`, 'crm-2');
    await appendChange(`${LATER_MS}-0`, 'crm-3');
    const before = (await admin('/admin/feed/status')).json();
    expect(before).toMatchObject({
      length: 3,
      oldest: { cursor: `${FIRST_MS}-0`, at: '2026-12-06T16:40:00.000Z' },
      newest: { cursor: `${LATER_MS}-0`, at: '2026-12-06T16:41:00.000Z' },
      trimmedBefore: null,
    });
    await markChangeLogTrimmed(redis.client, redis.prefix, `${FIRST_MS - 1}-0`);
    const after = (await admin('/admin/feed/status')).json();
    expect(after.trimmedBefore).toBe(`${FIRST_MS - 1}-0`);
  });

  it('answers 401 without the admin token, the CRM token included', async () => {
    const response = await t().app.inject({
      method: 'GET',
      url: '/admin/feed/status',
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('GET /admin/feed/changes', () => {
  it('pages through the feed with the same answer as GET /v1/changes', async () => {
    const first = await admin('/admin/feed/changes?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.changes.map((change: { cursor: string }) => change.cursor)).toEqual([
      `${FIRST_MS}-0`,
      `${FIRST_MS}-1`,
    ]);
    expect(page.next).toBe(`${FIRST_MS}-1`);
    expect(page.changes[0].data).toMatchObject({ id: `chg_${FIRST_MS}-0`, external_id: 'crm-1' });
    const crm = await t().app.inject({
      method: 'GET',
      url: '/v1/changes?limit=2',
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    });
    expect(crm.json()).toEqual(page);

    const rest = (await admin(`/admin/feed/changes?after=${page.next}`)).json();
    expect(rest.changes.map((change: { cursor: string }) => change.cursor)).toEqual([
      `${LATER_MS}-0`,
    ]);
    const none = (await admin(`/admin/feed/changes?after=${rest.next}`)).json();
    expect(none).toEqual({ changes: [], next: rest.next });
  });

  it('answers 410 FEED_CURSOR_EXPIRED for a cursor before the trim mark, 400 for a bad limit or cursor', async () => {
    const expired = await admin(`/admin/feed/changes?after=${FIRST_MS - 2}-0`);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('FEED_CURSOR_EXPIRED');
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'after=yesterday']) {
      const response = await admin(`/admin/feed/changes?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe('PAYLOAD_INVALID');
    }
  });
});
