import { Writable } from 'node:stream';
import { QueueNames } from '@relay/jobs';
import { createProducer } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createLogger, createMetrics } from '@relay/telemetry';
import { startTestRedis, type TestRedis } from '@relay/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { type AppDeps, buildApp } from '../src/app.ts';
import { createErasureLog } from '../src/erasure-log.ts';

export const CRM_TOKEN = 'crm-test-token-0123456789';
export const WEBHOOK_SECRET = 'webhook-client-secret';

/** The real ingress app on a real Redis, answering through app.inject(). */
export async function buildTestApp(
  redisUrl: string,
  prefix: string,
  extra: Pick<AppDeps, 'contactCache' | 'attributeCatalog' | 'intercomReader'> = {},
) {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const connection = createProducerConnection(redisUrl);
  connection.on('error', () => {});
  await waitUntilReady(connection);
  const producer = createProducer({ connection, prefix });
  const metrics = createMetrics({ service: 'ingress-test', defaultMetrics: false });
  const app = await buildApp({
    producer,
    erasureLog: createErasureLog(connection, prefix),
    metrics,
    logger: createLogger({ service: 'ingress-test', destination }),
    crmTokens: () => [CRM_TOKEN],
    webhookSecrets: () => [WEBHOOK_SECRET],
    ...extra,
  });
  const queues = {
    webhook: new Queue(QueueNames.webhook, { connection, prefix }),
    sync: new Queue(QueueNames.sync, { connection, prefix }),
  };
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  return {
    app,
    metrics,
    logs,
    queues,
    async close() {
      await app.close();
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await producer.close();
      connection.disconnect();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

/** One test app on a private Redis for the whole file; the getter is valid inside tests. */
export function useTestApp(): () => TestApp {
  let redis: TestRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startTestRedis();
    t = await buildTestApp(redis.url, redis.prefix);
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });
  return () => t;
}
