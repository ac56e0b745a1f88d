import { appendToChangeLog, startTestRedis, type TestRedis, waitFor } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedKeys } from '../src/feed/feed-store.ts';
import { createPushControl } from '../src/feed/push/push.ts';
import { createPushDispatcher } from '../src/feed/push/push-dispatcher.ts';
import { pushKeys } from '../src/feed/push/push-keys.ts';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const change = (id: string, version: number, changed: string[], type = 'contact.updated') => ({
  type,
  data: { object: 'contact', intercom_id: id, version, changed },
});

/** As a log entry was written before entries named their record and version (`k`, `v`). */
async function appendUnnamed(
  client: Redis,
  prefix: string,
  cursor: string,
  entry: ReturnType<typeof change>,
) {
  const json = JSON.stringify({ ...entry, timestamp: new Date(1_000).toISOString() });
  await client.xadd(`${prefix}:feed:log`, cursor, 'c', json, 'r', entry.data.intercom_id);
}

describe('staging the change log into delivery slots (one batch)', () => {
  it.each([
    ['as the recorder logs them', appendToChangeLog],
    ['logged without their record and version (parsed)', appendUnnamed],
  ])(
    'keeps each record’s newest change, the union of what changed, a create a create; older ones drop: changes %s',
    async (_how, append) => {
      const prefix = `${server.prefix}-${append.name}`;
      const keys = pushKeys(prefix);
      const log: [string, ReturnType<typeof change>][] = [
        ['1000-0', change('a', 1, ['name'], 'contact.created')],
        ['1000-1', change('b', 1, ['email'])],
        ['1000-2', change('a', 2, ['phone'])],
        ['1000-3', change('c', 4, ['tags'])],
        ['1000-4', change('a', 3, ['name', 'email'])],
        ['1000-5', change('c', 3, ['name'])], // older than c's waiting version 4
      ];
      for (const [cursor, entry] of log) await append(redis, prefix, cursor, entry);
      await redis.set(keys.cursor, '0-0');
      const blocking = new Redis(server.url);
      const dispatcher = createPushDispatcher({
        redis,
        blocking,
        feedKeys: feedKeys(prefix),
        keys,
        onError: (error) => {
          throw error;
        },
      });
      dispatcher.start();
      await waitFor(
        () => redis.get(keys.cursor),
        (cursor) => cursor === '1000-5',
        5_000,
      );
      const dispatched = dispatcher.stop();
      blocking.disconnect();
      await dispatched;
      const slot = (record: string) => redis.hgetall(keys.slot(`contact.${record}`));
      expect(await slot('a')).toMatchObject({
        p: '1000-4',
        pv: '3',
        ty: 'contact.created',
        ch: JSON.stringify(['name', 'phone', 'email']),
      });
      // Not merged: the change goes as the log has it (nothing parsed, nothing copied).
      expect(await slot('b')).toEqual({ p: '1000-1', pv: '1' });
      expect(await slot('c')).toEqual({ p: '1000-3', pv: '4' });
      expect((await redis.zrange(keys.due, '0', '-1')).sort()).toEqual(
        ['a', 'b', 'c'].map((record) => keys.slot(`contact.${record}`)),
      );
      expect(await createPushControl(redis, prefix).undelivered()).toBe(3);
    },
  );

  it('starts, the first time, with the changes recorded after the process was made', async () => {
    const prefix = `${server.prefix}-start`;
    const keys = pushKeys(prefix);
    const own = new Redis(server.url);
    await appendToChangeLog(redis, prefix, `${Date.now() - 60_000}-0`, change('old', 1, ['name']));
    const dispatcher = createPushDispatcher({
      redis,
      blocking: own,
      feedKeys: feedKeys(prefix),
      keys,
      onError: (error) => {
        throw error;
      },
    });
    // Recorded after the worker booted, before its dispatcher first ran: it must go.
    const cursor = `${Date.now() + 1}-0`;
    await appendToChangeLog(redis, prefix, cursor, change('new', 1, ['name']));
    dispatcher.start();
    await waitFor(
      () => redis.get(keys.cursor),
      (at) => at === cursor,
      5_000,
    );
    const stopped = dispatcher.stop();
    own.disconnect();
    await stopped;
    expect(await redis.hget(keys.slot('contact.new'), 'p')).toBe(cursor);
    expect(await redis.exists(keys.slot('contact.old'))).toBe(0);
  });
});
