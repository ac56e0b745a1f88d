import { createPushControl } from '@relay/sync';
import { appendToChangeLog, useRedis } from '@relay/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from './test-app.ts';

const redis = useRedis();
const t = useTestApp({ admin: 'main', redis });
/** The push's control as the workers share it in Redis (valid inside tests). */
const push = () => createPushControl(redis.client, redis.prefix);
/** A key of the push (`cursor`, `endpoint`, …) or the feed (`feed:log`) under the file's prefix. */
const key = (name: string) => `${redis.prefix}:${name.startsWith('feed:') ? name : `push:${name}`}`;

// 2026-12-06T16:40:00Z, and where the push's dispatcher stands: a minute later.
const FIRST_MS = 1_796_575_200_000;
const STAGED = `${FIRST_MS + 60_000}-4`;
/** The cursor a replay `since` the first time starts after: the last id of the millisecond before. */
const BEFORE_FIRST = `${FIRST_MS - 1}-18446744073709551615`;

function post(url: string, body?: unknown) {
  return t().admin({
    method: 'POST',
    url,
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

async function pushStatus() {
  const response = await t().admin({ method: 'GET', url: '/admin/feed/status' });
  expect(response.statusCode).toBe(200);
  return response.json().push;
}

beforeEach(async () => {
  await redis.client.del(key('endpoint'), key('due:held'), key('cursor'), key('replay-until'));
});

describe('GET /admin/feed/status: push', () => {
  it("reports the CRM endpoint's state and the records with an undelivered change", async () => {
    expect(await pushStatus()).toEqual({ endpointState: 'ok', undelivered: 0 });
    await redis.client.sadd(key('due:held'), 'contact.6762a', 'company.5f1c');
    await redis.client.hset(key('endpoint'), 'fails', '5');
    expect(await pushStatus()).toEqual({ endpointState: 'failing', undelivered: 2 });
    await redis.client.hset(key('endpoint'), 'disabled', '1');
    expect(await pushStatus()).toEqual({ endpointState: 'disabled', undelivered: 2 });
  });
});

describe('POST /admin/feed/push/enable', () => {
  it('resumes deliveries after a 410 (the endpoint disabled) and answers the new state', async () => {
    await redis.client.hset(key('endpoint'), 'disabled', '1', 'fails', '7');
    expect(await push().state()).toBe(2);
    const response = await post('/admin/feed/push/enable');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ endpointState: 'ok' });
    expect(await push().state()).toBe(0);
    expect(await pushStatus()).toEqual({ endpointState: 'ok', undelivered: 0 });
    expect(t().logs.entries).toContainEqual(
      expect.objectContaining({ msg: 'enabled the CRM endpoint', endpointState: 'ok' }),
    );
  });
});

describe('POST /admin/feed/push/replay', () => {
  it('moves the push back to the cursor given, to send again the changes after it', async () => {
    await redis.client.set(key('cursor'), STAGED);
    const response = await post('/admin/feed/push/replay', { after: `${FIRST_MS}-0` });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ replayingAfter: `${FIRST_MS}-0`, pushedUpTo: STAGED });
    expect(await redis.client.get(key('cursor'))).toBe(`${FIRST_MS}-0`);
    // Changes up to where it stood are staged again even though they were delivered.
    expect(await redis.client.get(key('replay-until'))).toBe(STAGED);
    expect(t().logs.entries).toContainEqual(
      expect.objectContaining({ msg: 'replaying the push', after: `${FIRST_MS}-0` }),
    );
  });

  it('does nothing, and says so, where the push has not got to the cursor or has not started', async () => {
    const nothing = await post('/admin/feed/push/replay', { after: `${FIRST_MS}-0` });
    expect(nothing.statusCode).toBe(200);
    expect(nothing.json()).toEqual({ replayingAfter: null, pushedUpTo: null });
    expect(await redis.client.get(key('cursor'))).toBeNull(); // the push starts as it would
    await redis.client.set(key('cursor'), STAGED);
    const ahead = await post('/admin/feed/push/replay', { after: `${FIRST_MS + 120_000}-0` });
    expect(ahead.statusCode).toBe(200);
    expect(ahead.json()).toEqual({ replayingAfter: null, pushedUpTo: STAGED });
    expect(await redis.client.get(key('cursor'))).toBe(STAGED);
    expect(await redis.client.get(key('replay-until'))).toBeNull();
  });

  it('from a time: the changes recorded from that millisecond on, whatever its zone', async () => {
    for (const since of ['2026-12-06T16:40:00Z', '2026-12-06T17:40:00.000+01:00']) {
      await redis.client.set(key('cursor'), STAGED);
      const response = await post('/admin/feed/push/replay', { since });
      expect(response.statusCode, since).toBe(202);
      expect(response.json()).toEqual({ replayingAfter: BEFORE_FIRST, pushedUpTo: STAGED });
      expect(await redis.client.get(key('cursor'))).toBe(BEFORE_FIRST);
    }
    // Redis takes the cursor, and reads after it the changes of that millisecond, not before.
    for (const cursor of [`${FIRST_MS - 1}-7`, `${FIRST_MS}-0`, `${FIRST_MS}-1`]) {
      await appendToChangeLog(redis.client, redis.prefix, cursor, {
        type: 'contact.updated',
        data: { object: 'contact', intercom_id: `ic-${cursor}`, version: 1 },
      });
    }
    const after = await redis.client.xrange(key('feed:log'), `(${BEFORE_FIRST}`, '+');
    expect(after.map(([id]) => id)).toEqual([`${FIRST_MS}-0`, `${FIRST_MS}-1`]);
  });

  it.each([
    [{}, '/', /^send exactly one of body\/after .+ and body\/since /],
    [{ after: `${FIRST_MS}-0`, since: '2026-12-06T16:40:00Z' }, '/', /^send exactly one of/],
    [{ after: 'yesterday' }, '/after', /^body\/after must be a cursor of the change feed/],
    [{ after: `${FIRST_MS}` }, '/after', /^body\/after must be a cursor/],
    [{ after: '1-18446744073709551616' }, '/after', /^body\/after must be a cursor/],
    [{ since: 'yesterday' }, '/since', /^body\/since must be an ISO 8601 time with a zone/],
    [{ since: '2026-12-06T16:40:00' }, '/since', /^body\/since must be an ISO 8601 time/],
    [{ since: '2026-13-45T16:40:00Z' }, '/since', /^body\/since must be an ISO 8601 time/],
    [{ since: FIRST_MS }, '/since', /^body\/since must be a string$/],
    [{ cursor: `${FIRST_MS}-0` }, '/cursor', /^body\/cursor is not a known field$/],
  ])(
    'answers 400 PAYLOAD_INVALID to %j, saying what is allowed, and moves nothing',
    async (body, path, message) => {
      await redis.client.set(key('cursor'), STAGED);
      const response = await post('/admin/feed/push/replay', body);
      expect(response.statusCode).toBe(400);
      const { error } = response.json();
      expect(error).toMatchObject({ code: 'PAYLOAD_INVALID', details: { in: 'body', path } });
      expect(error.message).toMatch(message);
      expect(await redis.client.get(key('cursor'))).toBe(STAGED);
      expect(await redis.client.get(key('replay-until'))).toBeNull();
    },
  );

  it('answers 400 to a request without a body', async () => {
    const response = await post('/admin/feed/push/replay');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/^send exactly one of/);
  });
});

describe('without the admin token', () => {
  it.each(['/admin/feed/push/enable', '/admin/feed/push/replay'])(
    'POST %s answers 401 and changes nothing',
    async (url) => {
      await redis.client.hset(key('endpoint'), 'disabled', '1');
      await redis.client.set(key('cursor'), STAGED);
      const response = await t().app.inject({
        method: 'POST',
        url,
        payload: { after: `${FIRST_MS}-0` },
      });
      expect(response.statusCode).toBe(401);
      expect(await push().state()).toBe(2);
      expect(await redis.client.get(key('cursor'))).toBe(STAGED);
    },
  );
});
