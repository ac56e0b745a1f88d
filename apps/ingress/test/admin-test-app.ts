import { Writable } from 'node:stream';
import type { Lane } from '@relay/jobs';
import { createProducer, createQueueAdmin } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createLogger, createMetrics } from '@relay/telemetry';
import { startTestRedis, type TestRedis } from '@relay/testkit';
import { type Processor, Worker } from 'bullmq';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApps } from '../src/app.ts';
import { createErasureLog } from '../src/erasure-log.ts';
import { CRM_TOKEN, WEBHOOK_SECRET } from './build-test-app.ts';

export const ADMIN_TOKEN = 'admin-test-token-9876543210';

export type AdminTestAppOptions = {
  /** The admin token; undefined builds the app as without ADMIN_TOKEN. */
  token?: string | undefined;
  /** /admin on an app of its own, as with ADMIN_PORT. */
  separateAdmin?: boolean;
};

/** The real ingress with the admin routes, on a real Redis, answering through inject(). */
export async function buildAdminTestApp(redis: TestRedis, options: AdminTestAppOptions = {}) {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const connection = createProducerConnection(redis.url);
  connection.on('error', () => {});
  await waitUntilReady(connection);
  const producer = createProducer({ connection, prefix: redis.prefix });
  const queues = createQueueAdmin({ connection, prefix: redis.prefix });
  const metrics = createMetrics({ service: 'ingress-test', defaultMetrics: false });
  const token = 'token' in options ? options.token : ADMIN_TOKEN;
  const { app, adminApp } = await buildApps(
    {
      producer,
      erasureLog: createErasureLog(connection, redis.prefix),
      metrics,
      logger: createLogger({ service: 'ingress-test', destination }),
      crmTokens: () => [CRM_TOKEN],
      webhookSecrets: () => [WEBHOOK_SECRET],
      admin: token === undefined ? undefined : { token: () => token, queues },
    },
    { separateAdmin: options.separateAdmin ?? false },
  );
  const workers: Worker[] = [];
  return {
    app,
    adminApp,
    producer,
    queues,
    metrics,
    logs,
    /** A request to the app serving /admin, with the admin token unless headers say otherwise. */
    admin(request: InjectOptions & { url: string }) {
      return (adminApp ?? app).inject({
        ...request,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...request.headers },
      });
    },
    /** A real BullMQ worker on a lane, as another process would run it; closed by close(). */
    worker(lane: Lane, processor: Processor, concurrency = 1): Worker {
      const worker = new Worker(queues.queue(lane).name, processor, {
        connection: { url: redis.url },
        prefix: redis.prefix,
        concurrency,
      });
      worker.on('error', () => {});
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await app.close();
      await adminApp?.close();
      await queues.close();
      await producer.close();
      connection.disconnect();
    },
  };
}

export type AdminTestApp = Awaited<ReturnType<typeof buildAdminTestApp>>;

/** One admin test app on a private Redis for the whole file; the getter is valid in tests. */
export function useAdminTestApp(options: AdminTestAppOptions = {}): () => AdminTestApp {
  let redis: TestRedis;
  let t: AdminTestApp;
  beforeAll(async () => {
    redis = await startTestRedis();
    t = await buildAdminTestApp(redis, options);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });
  return () => t;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
