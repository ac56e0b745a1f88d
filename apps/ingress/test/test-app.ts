import type { AddressInfo } from 'node:net';
import type { IntercomClient } from '@relay/intercom';
import { LANES, type Lane } from '@relay/jobs';
import { createProducer, createQueueAdmin } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import {
  type ContactDirectory,
  createChangeLogReader,
  createDataAttributeCatalog,
  createPushControl,
} from '@relay/sync';
import { createLogger, createMetrics } from '@relay/telemetry';
import { captureLogs, type UsedRedis, useRedis, waitFor } from '@relay/testkit';
import { type Processor, Worker } from 'bullmq';
import type { InjectOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type AppDeps, type AppOptions, buildApp, buildApps } from '../src/app.ts';
import { createErasureLog } from '../src/erasure-log.ts';
import { createRequestLimiter, type RequestLimits } from '../src/lib/request-limiter.ts';

export const CRM_TOKEN = 'crm-test-token-0123456789';
/** A second CRM token: the request limit is per token. */
export const OTHER_CRM_TOKEN = 'crm-other-token-5555555555';
export const WEBHOOK_SECRET = 'webhook-client-secret';
export const ADMIN_TOKEN = 'admin-test-token-9876543210';
/** FEED_RETENTION_MS as the test app reports it (the log is trimmed by whoever appends). */
export const FEED_RETENTION_MS = 3_600_000;

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Intercom reads answered by an empty workspace with two custom attributes (plan: string,
 * seats: integer), so every route has its normal answer and none of them is a 5xx for want
 * of Intercom.
 */
const emptyWorkspace = {
  listDataAttributes: async () => [
    { name: 'plan', dataType: 'string', custom: true, apiWritable: true, archived: false },
    { name: 'seats', dataType: 'integer', custom: true, apiWritable: true, archived: false },
  ],
  async *listArticles() {},
  async *listCollections() {},
  async *searchConversations() {},
} as unknown as IntercomClient;
const noContacts = { get: async () => undefined } as unknown as ContactDirectory;

type IntercomDeps = Pick<AppDeps, 'contactCache' | 'attributeCatalog' | 'intercomReader'>;

export type TestAppOptions = AppOptions & {
  /**
   * The admin API (with ADMIN_TOKEN): on the main app ('main'), on an app of its own as with
   * ADMIN_PORT ('separate'), or none as without ADMIN_TOKEN (false: /admin is a 404).
   * @defaultValue false
   */
  admin?: 'main' | 'separate' | false;
  /**
   * What answers for Intercom: nothing, as an ingress without INTERCOM_ACCESS_TOKEN ('none'),
   * or an empty workspace with two custom attributes, so every route answers as it normally
   * does ('empty-workspace'). `deps` replaces either.
   * @defaultValue 'none'
   */
  intercom?: 'none' | 'empty-workspace';
  /** Intercom collaborators of the test's own, built on the app's Redis connection. */
  deps?: (redis: { connection: Redis; prefix: string }) => IntercomDeps | Promise<IntercomDeps>;
  /** Requests per CRM token; undefined: no limiter. */
  limits?: RequestLimits | undefined;
  /** How the ingress believes it reaches Redis (readiness reads a failover differently). */
  redisMode?: 'single' | 'sentinel' | 'cluster';
};

/** The whole ingress on every route the options turn on: the sum of the ingress tests' needs. */
export const WHOLE_INGRESS = { admin: 'main', intercom: 'empty-workspace' } as const;

/**
 * The real ingress on a real Redis (keys under `redis.prefix`, the only ones it may write),
 * answering through app.inject(), with two CRM tokens and what `options` turn on.
 */
export async function buildTestApp(
  redis: { url: string; prefix: string },
  options: TestAppOptions = {},
) {
  const { prefix } = redis;
  const logs = captureLogs();
  const connection = createProducerConnection(redis.url);
  connection.on('error', () => {});
  await waitUntilReady(connection);
  const producer = createProducer({ connection, prefix });
  const queues = createQueueAdmin({ connection, prefix });
  const metrics = createMetrics({ service: 'ingress-test', defaultMetrics: false });
  const intercom: IntercomDeps = options.deps
    ? await options.deps({ connection, prefix })
    : options.intercom === 'empty-workspace'
      ? {
          contactCache: noContacts,
          intercomReader: emptyWorkspace,
          attributeCatalog: createDataAttributeCatalog({
            redis: connection,
            prefix,
            intercom: emptyWorkspace,
          }),
        }
      : {};
  const admin = options.admin ?? false;
  const changeLog = createChangeLogReader(connection, prefix);
  const deps: AppDeps = {
    producer,
    erasureLog: createErasureLog(connection, prefix),
    metrics,
    logger: createLogger({ service: 'ingress-test', destination: logs.destination }),
    crmTokens: () => [CRM_TOKEN, OTHER_CRM_TOKEN],
    webhookSecrets: () => [WEBHOOK_SECRET],
    redisMode: options.redisMode,
    ...intercom,
    changeLog,
    admin:
      admin === false
        ? undefined
        : {
            token: () => ADMIN_TOKEN,
            queues,
            changeLog,
            feedRetentionMs: FEED_RETENTION_MS,
            push: createPushControl(connection, prefix),
          },
    crmRequestLimiter: options.limits
      ? createRequestLimiter({ redis: connection, prefix, limits: options.limits })
      : undefined,
  };
  const appOptions = { timeouts: options.timeouts, https: options.https };
  // One app, as main.ts builds it without ADMIN_PORT; with it, /admin on an app of its own.
  const { app, adminApp } =
    admin === 'separate'
      ? await buildApps(deps, { ...appOptions, separateAdmin: true })
      : { app: await buildApp(deps, appOptions), adminApp: undefined };
  async function keyCount(): Promise<number> {
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  }
  // BullMQ writes each queue's meta key once it connects: wait, so counts taken later compare.
  await waitFor(keyCount, (count) => count >= LANES.length, 5_000, 20);
  const workers: Worker[] = [];
  return {
    app,
    /** The app serving /admin when it has a listener of its own (admin: 'separate'). */
    adminApp,
    /** The app's own Redis connection. */
    connection,
    producer,
    /** Every lane's queue (`queues.queue('sync')`) and the admin actions on them. */
    queues,
    metrics,
    logs,
    /** Keys under this app's prefix, the only ones it may write. */
    keyCount,
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
        prefix,
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

export type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

export type UseTestAppOptions = TestAppOptions & {
  /** The file's Redis, when the test reads it too; else the app gets a Redis of its own. */
  redis?: UsedRedis;
  /** Its key prefix; @defaultValue the Redis's prefix */
  prefix?: string;
  /** Listen on a free port of 127.0.0.1 too (`baseUrl`), for tests over a real socket. */
  listen?: boolean;
};

/**
 * One test app for the test file (or the `describe` it is called in), built in beforeAll and
 * closed in afterAll; the getter is valid inside hooks and tests.
 */
export function useTestApp(
  options: UseTestAppOptions = {},
): () => TestApp & { readonly baseUrl: string } {
  const redis = options.redis ?? useRedis();
  let t: (TestApp & { baseUrl: string }) | undefined;
  beforeAll(async () => {
    const app = await buildTestApp(
      { url: redis.url, prefix: options.prefix ?? redis.prefix },
      options,
    );
    let baseUrl = '';
    if (options.listen) {
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
    }
    t = { ...app, baseUrl };
  });
  afterAll(async () => {
    await t?.close();
    t = undefined;
  });
  return () => {
    if (!t) throw new Error('the test app is used outside the hooks and tests it was built for');
    return t;
  };
}
