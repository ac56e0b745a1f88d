import { appendToChangeLog, startTestRedis, type TestRedis, waitFor } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedKeys } from '../src/feed/feed-store.ts';
import { createPushDispatcher } from '../src/feed/push/push-dispatcher.ts';
import { pushKeys } from '../src/feed/push/push-keys.ts';

let server: TestRedis;
let redis: Redis;
let blocking: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
  blocking = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  blocking.disconnect();
  await server.stop();
});

const change = (id: string, version: number, changed: string[], type = 'contact.updated') => ({
  type,
  data: { object: 'contact', intercom_id: id, version, changed },
});

describe('staging the change log into delivery slots (one batch)', () => {
  it('keeps each record’s newest change, the union of what changed, a create a create; older ones drop', async () => {
    const prefix = server.prefix;
    const keys = pushKeys(prefix);
    const log: [string, ReturnType<typeof change>][] = [
      ['1000-0', change('a', 1, ['name'], 'contact.created')],
      ['1000-1', change('b', 1, ['email'])],
      ['1000-2', change('a', 2, ['phone'])],
      ['1000-3', change('c', 4, ['tags'])],
      ['1000-4', change('a', 3, ['name', 'email'])],
      ['1000-5', change('c', 3, ['name'])], // older than c's waiting version 4
    ];
    for (const [cursor, entry] of log) await appendToChangeLog(redis, prefix, cursor, entry);
    await redis.set(keys.cursor, '0-0');
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
    expect(await slot('b')).toMatchObject({ p: '1000-1', pv: '1', ty: 'contact.updated' });
    expect(await slot('c')).toMatchObject({ p: '1000-3', pv: '4' });
    expect((await redis.zrange(keys.due, '0', '-1')).sort()).toEqual(
      ['a', 'b', 'c'].map((record) => keys.slot(`contact.${record}`)),
    );
    expect(await redis.scard(keys.pending)).toBe(3);
  });

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
