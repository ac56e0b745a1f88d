import { QueueNames } from '@relay/jobs';
import {
  notificationFixture,
  type Stack,
  signWebhook,
  startStack,
  useRedis,
  useSimulator,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricSum } from '../workers/worker-process.ts';

/**
 * Intercom delivers a notification more than once: the same delivery sent many times at once,
 * again after it was processed, and its retry (same id, `delivery_attempts: 2`, so other
 * bytes). Each notification must make one job and one handler run. The handler run is seen
 * in the conversation stream the worker appends to (one entry per run).
 */
const SECRET = 'duplicate-webhooks-secret';
const COPIES = 20;

const redis = useRedis();
const sim = useSimulator();
let stack: Stack;
let webhookQueue: Queue;

beforeAll(async () => {
  stack = await startStack({
    redisUrl: redis.url,
    queuePrefix: redis.prefix,
    intercomUrl: sim.url,
    intercomToken: sim.token,
    webhookSecret: SECRET,
    crmToken: 'unused-crm-token',
    workers: 1,
    env: { RECONCILE_EVERY_MS: '0', LOG_LEVEL: 'warn' },
  });
  webhookQueue = new Queue(QueueNames.webhook, { connection: redis.client, prefix: redis.prefix });
}, 60_000);

afterAll(async () => {
  await webhookQueue?.close();
  await stack?.stop();
});

function conversationNotification(id: string, deliveryAttempts = 1) {
  return {
    ...notificationFixture({
      id,
      topic: 'conversation.user.created',
      item: { type: 'conversation', id: `conv-${id}`, state: 'open' },
    }),
    delivery_attempts: deliveryAttempts,
  };
}

async function deliver(notification: unknown): Promise<string> {
  const body = JSON.stringify(notification);
  const response = await fetch(`${stack.ingressUrl}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(body, SECRET) },
    body,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { status: string }).status;
}

/** Handler runs for one notification: the changes it recorded on the change feed. */
async function handlerRuns(id: string): Promise<number> {
  const entries = await redis.client.xrange(`${redis.prefix}:feed:log`, '-', '+');
  const recorded = (fields: string[]) => fields[fields.indexOf('c') + 1] ?? '';
  return entries.filter(([, fields]) => recorded(fields).includes(`"notification_id":"${id}"`))
    .length;
}

const workerMetrics = async () => (await fetch(`${stack.workerMetricsUrls[0]}/metrics`)).text();

async function settled(id: string) {
  return waitFor(
    async () => (await webhookQueue.getJob(`webhook-${id}`))?.getState(),
    (state) => state === 'completed' || state === 'failed',
    15_000,
  );
}

describe('duplicate and replayed webhooks', () => {
  it('one job and one handler run for a delivery sent 20 times at once, then again after it ran, then as a retry', async () => {
    const id = 'notif_duplicate_1';
    const notification = conversationNotification(id);
    const concurrent = await Promise.all(
      Array.from({ length: COPIES }, () => deliver(notification)),
    );
    expect(await settled(id)).toBe('completed');
    const afterRun = await deliver(notification);
    const retried = await deliver(conversationNotification(id, 2)); // Intercom's retry, a minute on
    await waitFor(workerMetrics, (text) => metricSum(text, 'relay_webhook_topics_total') >= 1);
    const jobs = await webhookQueue.getJobCounts('completed', 'failed', 'waiting', 'active');
    const runs = await handlerRuns(id);
    const completed = metricSum(await workerMetrics(), 'relay_jobs_total', {
      queue: QueueNames.webhook,
      outcome: 'completed',
    });
    const accepted = concurrent.filter((answer) => answer === 'accepted').length;
    console.info(
      `duplicate webhooks: ${COPIES} concurrent copies answered ${accepted} accepted, ` +
        `${COPIES - accepted} duplicate; ` +
        `after the run: ${afterRun}; Intercom's retry: ${retried}; jobs ${JSON.stringify(jobs)}; ` +
        `handler runs ${runs}`,
    );

    expect(concurrent.every((answer) => answer === 'accepted' || answer === 'duplicate')).toBe(
      true,
    );
    expect(accepted).toBeLessThan(COPIES);
    expect([afterRun, retried]).toEqual(['duplicate', 'duplicate']);
    expect(jobs).toMatchObject({ completed: 1, failed: 0, waiting: 0, active: 0 });
    expect(completed).toBe(1);
    expect(runs).toBe(1);
  });
});
