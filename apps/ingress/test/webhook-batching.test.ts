import type { WebhookNotification } from '@relay/jobs';
import { QueueNames } from '@relay/jobs';
import { createProducer } from '@relay/jobs/queue';
import { createProducerConnection, createWriteCoalescing, waitUntilReady } from '@relay/jobs/redis';
import { createTcpProxy, notificationFixture, useRedis } from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

// Webhooks that arrive in one turn of the event loop are stored with one socket write
// (packages/jobs/src/batched-add.ts); each must still get its own, exact answer.

const redis = useRedis();
const connections: Redis[] = [];
afterAll(() => {
  for (const connection of connections) connection.disconnect();
});

async function connect(url: string) {
  const connection = createProducerConnection(url);
  connections.push(connection);
  await waitUntilReady(connection);
  return connection;
}

/** Socket writes from here on: Node calls _write or _writev once per write it makes. */
function countWrites(connection: Redis) {
  const stream = connection.stream as unknown as Record<string, (...args: unknown[]) => void>;
  const counter = { writes: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = stream[method];
    if (!original) continue;
    stream[method] = function (this: unknown, ...args: unknown[]) {
      counter.writes += 1;
      return original.apply(this, args);
    };
  }
  return counter;
}

const notification = (id?: string) => notificationFixture({ id }) as WebhookNotification;

describe('webhooks stored together', () => {
  it('stores every job of a burst and answers each with its own id', async () => {
    const connection = await connect(redis.url);
    const prefix = `${redis.prefix}burst`;
    const producer = createProducer({ connection, prefix });
    await producer.enqueueWebhook(notification()); // the queue's first use waits for Redis
    const burst = Array.from({ length: 300 }, () => notification());
    const counter = countWrites(connection);
    const answers = await Promise.all(burst.map((n) => producer.enqueueWebhook(n)));
    expect(counter.writes).toBe(1); // the lookup and the 300 adds
    expect(answers.map((a) => a.duplicate)).toEqual(burst.map(() => false));
    expect(new Set(answers.map((a) => a.jobId)).size).toBe(300);
    const queue = new Queue(QueueNames.webhook, { connection, prefix });
    expect(await queue.getWaitingCount()).toBe(301);
    const job = await queue.getJob(answers[7]?.jobId as string);
    expect(job?.data.notification.id).toBe(burst[7]?.id);
    await queue.close();
  });

  it('tells a redelivery apart, in a later turn and within the same turn', async () => {
    const connection = await connect(redis.url);
    const prefix = `${redis.prefix}dup`;
    const producer = createProducer({ connection, prefix });
    const first = notification('notif_same');
    expect((await producer.enqueueWebhook(first)).duplicate).toBe(false);
    expect((await producer.enqueueWebhook(first)).duplicate).toBe(true);

    const twice = notification('notif_twice');
    const other = notification();
    const answers = await Promise.all([
      producer.enqueueWebhook(twice),
      producer.enqueueWebhook(other),
      producer.enqueueWebhook(twice),
      producer.enqueueWebhook(twice),
    ]);
    expect(answers.map((a) => a.duplicate)).toEqual([false, false, true, true]);

    // Stored and new ids mixed in one turn: each answer is its own id's.
    const mixed = await Promise.all([
      producer.enqueueWebhook(notification()),
      producer.enqueueWebhook(first),
      producer.enqueueWebhook(notification()),
      producer.enqueueWebhook(other),
      producer.enqueueWebhook(notification()),
    ]);
    expect(mixed.map((a) => a.duplicate)).toEqual([false, true, false, true, false]);
    const queue = new Queue(QueueNames.webhook, { connection, prefix });
    expect(await queue.getWaitingCount()).toBe(6);
    await queue.close();
  });

  it('refuses every webhook of a turn Redis does not answer, within the store timeout', async () => {
    const proxy = await createTcpProxy({ target: redis.url });
    try {
      const connection = await connect(proxy.url);
      const producer = createProducer({
        connection,
        prefix: `${redis.prefix}hole`,
        storeTimeoutMs: 300,
      });
      proxy.setMode('blackhole');
      const answers = await Promise.allSettled(
        Array.from({ length: 5 }, () => producer.enqueueWebhook(notification())),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(5).fill('rejected'));
      expect((answers[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'QUEUE_UNAVAILABLE',
        retryable: true,
      });
    } finally {
      await proxy.close();
    }
  });
});

describe('write coalescing', () => {
  it('sends the commands of one turn in one socket write, and only while held', async () => {
    const connection = await connect(redis.url);
    const key = (i: number) => `${redis.prefix}coalesce:${i}`;
    const holdWrites = createWriteCoalescing(connection);

    const held = countWrites(connection);
    holdWrites();
    await Promise.all(Array.from({ length: 50 }, (_, i) => connection.set(key(i), i)));
    expect(held.writes).toBe(1);

    held.writes = 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => connection.get(key(i))));
    expect(held.writes).toBe(50);
  });

  it('stores a CRM batch of 200 contacts in a few writes, not one or two per item', async () => {
    const connection = await connect(redis.url);
    const producer = createProducer({ connection, prefix: `${redis.prefix}crm` });
    const counter = countWrites(connection);
    const items = Array.from({ length: 200 }, (_, i) => ({ external_id: `crm-${i}` }));
    const results = await producer.enqueueContactUpserts(items);
    expect(results.every((r) => r.ok)).toBe(true);
    // One write for the pending data, one for the adds (a turn may split them further).
    expect(counter.writes).toBeLessThanOrEqual(10);
  });
});
