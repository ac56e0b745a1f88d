import { QueueNames } from '@relay/jobs';
import { createProducer } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createMetrics } from '@relay/telemetry';
import { useRedis } from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQueueGauges } from '../src/queue-gauges.ts';

const redis = useRedis();
let connection: Redis;
beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
});
afterAll(() => {
  connection.disconnect();
});

describe('queue gauges sampled at scrape time', () => {
  it('say which lane is paused, how deep each is and how full Redis is', async () => {
    const producer = createProducer({ connection, prefix: redis.prefix });
    const metrics = createMetrics({ service: 'ingress-test', defaultMetrics: false });
    registerQueueGauges(metrics, producer);
    const sync = new Queue(QueueNames.sync, { connection, prefix: redis.prefix });
    await producer.enqueueContactUpserts([{ external_id: 'crm-gauge' }]);
    await sync.pause();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/relay_queue_paused\{queue="relay-sync",service="ingress-test"\} 1/);
    expect(text).toMatch(/relay_queue_paused\{queue="relay-webhook",service="ingress-test"\} 0/);
    expect(text).toMatch(
      /relay_queue_jobs\{queue="relay-sync",state="waiting",service="ingress-test"\} 1/,
    );
    expect(text).toMatch(/relay_redis_memory_used_ratio\{service="ingress-test"\} 0/);
    await sync.resume();
    expect(await metrics.registry.metrics()).toMatch(
      /relay_queue_paused\{queue="relay-sync",service="ingress-test"\} 0/,
    );
    await sync.close();
    await producer.close();
  });

  it('export the status page gauge only from the process that polls it, unknown until read', async () => {
    const worker = createMetrics({ service: 'worker', defaultMetrics: false });
    expect(await worker.registry.metrics()).not.toContain('intercom_status_page_operational');
    const ingress = createMetrics({ service: 'ingress', defaultMetrics: false, statusPage: true });
    expect(await ingress.registry.metrics()).toMatch(
      /intercom_status_page_operational\{service="ingress"\} -1/,
    );
  });
});
