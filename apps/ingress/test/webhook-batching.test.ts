import type { WebhookNotification } from '@relay/jobs';
import { createProducer, createProducerConnection, QueueNames, waitUntilReady } from '@relay/jobs';
import {
  createTcpProxy,
  notificationFixture,
  startTestRedis,
  type TestRedis,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Webhooks that arrive in one turn of the event loop are stored with one socket write
// (packages/jobs/src/batched-add.ts); each must still get its own, exact answer.

let redis: TestRedis;
const connections: Redis[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await redis.stop();
});

async function connect(url: string) {
  const connection = createProducerConnection(url);
  connections.push(connection);
  await waitUntilReady(connection);
  return connection;
}

const notification = (id?: string) => notificationFixture({ id }) as WebhookNotification;

describe('webhooks stored together', () => {
  it('stores every job of a burst and answers each with its own id', async () => {
    const connection = await connect(redis.url);
    const prefix = `${redis.prefix}burst`;
    const producer = createProducer({ connection, prefix });
    const burst = Array.from({ length: 300 }, () => notification());
    const answers = await Promise.all(burst.map((n) => producer.enqueueWebhook(n)));
    expect(answers.map((a) => a.duplicate)).toEqual(burst.map(() => false));
    expect(new Set(answers.map((a) => a.jobId)).size).toBe(300);
    const queue = new Queue(QueueNames.webhook, { connection, prefix });
    expect(await queue.getWaitingCount()).toBe(300);
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
    const queue = new Queue(QueueNames.webhook, { connection, prefix });
    expect(await queue.getWaitingCount()).toBe(3);
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
