import { Writable } from 'node:stream';
import type { IntercomClient } from '@relay/intercom';
import { LANES } from '@relay/jobs';
import { createProducer, createQueueAdmin } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { type ContactDirectory, createDataAttributeCatalog } from '@relay/sync';
import { createLogger, createMetrics } from '@relay/telemetry';
import { type TestRedis, waitFor } from '@relay/testkit';
import { type AppOptions, buildApps } from '../../src/app.ts';
import { createErasureLog } from '../../src/erasure-log.ts';
import { createRequestLimiter, type RequestLimits } from '../../src/lib/request-limiter.ts';
import { ADMIN_TOKEN } from '../admin-test-app.ts';
import { CRM_TOKEN, WEBHOOK_SECRET } from '../build-test-app.ts';

export { ADMIN_TOKEN, CRM_TOKEN, WEBHOOK_SECRET };
/** A second CRM token: the limit is per token. */
export const OTHER_CRM_TOKEN = 'crm-other-token-5555555555';

/**
 * Intercom reads answered by an empty workspace with two custom attributes (plan: string,
 * seats: integer), so every route has its normal answer and none of them is a 5xx for
 * want of Intercom.
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

export type SecurityAppOptions = AppOptions & {
  /** Requests per CRM token; undefined: no limiter. */
  limits?: RequestLimits | undefined;
};

/**
 * The whole ingress (every route: webhooks, /v1, /admin, health, metrics) on a real Redis,
 * with the admin API on the main app and two CRM tokens.
 */
export async function buildSecurityApp(redis: TestRedis, options: SecurityAppOptions = {}) {
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
  const { app } = await buildApps(
    {
      producer,
      erasureLog: createErasureLog(connection, redis.prefix),
      metrics,
      logger: createLogger({ service: 'ingress-test', destination }),
      crmTokens: () => [CRM_TOKEN, OTHER_CRM_TOKEN],
      webhookSecrets: () => [WEBHOOK_SECRET],
      contactCache: noContacts,
      intercomReader: emptyWorkspace,
      attributeCatalog: createDataAttributeCatalog({
        redis: connection,
        prefix: redis.prefix,
        intercom: emptyWorkspace,
      }),
      admin: { token: () => ADMIN_TOKEN, queues },
      crmRequestLimiter: options.limits
        ? createRequestLimiter({ redis: connection, prefix: redis.prefix, limits: options.limits })
        : undefined,
    },
    { separateAdmin: false, timeouts: options.timeouts, https: options.https },
  );
  async function keyCount(): Promise<number> {
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(
        cursor,
        'MATCH',
        `${redis.prefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  }
  // BullMQ writes each queue's meta key once it connects: wait, so counts taken later compare.
  await waitFor(keyCount, (count) => count >= LANES.length, 5_000, 20);
  return {
    app,
    connection,
    metrics,
    logs,
    /** Keys under this app's prefix, the only ones it may write. */
    keyCount,
    async close() {
      await app.close();
      await queues.close();
      await producer.close();
      connection.disconnect();
    },
  };
}

export type SecurityApp = Awaited<ReturnType<typeof buildSecurityApp>>;
