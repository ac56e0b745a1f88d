import { QueueNames } from '@relay/jobs';
import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  E2E_WEBHOOK_SECRET,
  notificationFixture,
  signWebhook,
  useRelay,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricSum } from '../workers/worker-process.ts';

/**
 * Intercom failing for a while — every call a 5xx, or no answer at all — under the whole relay
 * (ingress, two workers): the circuit opens, webhooks are still acknowledged, and everything
 * drains once Intercom is back. ~10 s per fault by default; RELAY_LONG_TESTS=1: a minute each.
 */
const LONG = process.env.RELAY_LONG_TESTS === '1';
const FAULT_MS = LONG ? 60_000 : 10_000;
const CONTACTS = 40;
const WEBHOOKS = 20;

const relay = useRelay({
  workers: 2,
  env: {
    WORKER_CONCURRENCY: '5',
    INTERCOM_CIRCUIT_OPEN_MS: '1000', // the first open period; it doubles per failed probe
    RECONCILE_EVERY_MS: '0',
    LOG_LEVEL: 'warn',
  },
});
let redis: Redis;
let queues: Queue[];

beforeAll(() => {
  redis = new Redis(relay.redis.url);
  queues = [QueueNames.sync, QueueNames.webhook].map(
    (name) => new Queue(name, { connection: redis, prefix: relay.redis.prefix }),
  );
});

afterAll(async () => {
  await Promise.all((queues ?? []).map((queue) => queue.close()));
  redis?.disconnect();
});

const workerMetrics = () =>
  Promise.all(
    relay.stack.workerMetricsUrls.map(async (url) => (await fetch(`${url}/metrics`)).text()),
  );

async function pushContacts(tag: string) {
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      contacts: Array.from({ length: CONTACTS }, (_, i) => ({ external_id: `${tag}-${i}` })),
    }),
  });
  expect(response.status).toBe(202);
}

async function sendWebhook(tag: string, i: number): Promise<number> {
  const body = JSON.stringify(
    notificationFixture({
      id: `notif_${tag}_${i}`,
      item: { type: 'contact', id: `ic-${tag}-${i}`, external_id: `crm-${tag}-${i}`, role: 'user' },
    }),
  );
  const response = await fetch(`${relay.stack.ingressUrl}/webhooks/intercom`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signWebhook(body, E2E_WEBHOOK_SECRET),
    },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

const counts = () =>
  Promise.all(
    queues.map((queue) =>
      queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed'),
    ),
  );

/** Jobs of every worker that spent an attempt, and that waited for the circuit instead. */
function outcomeTotals(texts: string[]) {
  const sum = (outcome: string) =>
    texts.reduce((total, text) => total + metricSum(text, 'relay_jobs_total', { outcome }), 0);
  return { retried: sum('retried'), circuitOpen: sum('circuit_open') };
}

/** Runs one fault for FAULT_MS under load, then checks the relay through it and after it. */
async function survive(tag: string, faults: Record<string, unknown>) {
  const before = await counts();
  const outcomesBefore = outcomeTotals(await workerMetrics());
  await relay.sim.control('POST', 'faults', faults);
  const faultStarted = Date.now();
  await pushContacts(tag);
  const opened = await waitFor(
    workerMetrics,
    (texts) => texts.some((text) => metricSum(text, 'intercom_circuit_state') === 2),
    FAULT_MS,
  );
  // Webhooks keep coming while Intercom is down; the ingress needs only Redis to take them.
  const statuses: number[] = [];
  for (let i = 0; Date.now() - faultStarted < FAULT_MS; i++) {
    if (i < WEBHOOKS) statuses.push(await sendWebhook(tag, i));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const callsDuringFault = (await relay.sim.stats()).total;
  await relay.sim.control('DELETE', 'faults');
  const recovered = Date.now();
  const [sync, webhook] = await waitFor(
    counts,
    ([s, w]) =>
      s?.completed === (before[0]?.completed ?? 0) + CONTACTS &&
      w?.completed !== undefined &&
      w.completed >= (before[1]?.completed ?? 0) + WEBHOOKS,
    LONG ? 120_000 : 60_000,
  );
  const drainMs = Date.now() - recovered;
  const contacts = (await relay.sim.contacts()).contacts.filter((entry) =>
    entry.contact.external_id?.startsWith(`${tag}-`),
  );
  const texts = await workerMetrics();
  const outcomes = outcomeTotals(texts);
  console.info(
    `${tag}: ${FAULT_MS} ms of ${JSON.stringify(faults)}; circuit open on ` +
      `${opened.filter((text) => metricSum(text, 'intercom_circuit_state') === 2).length} of ` +
      `${opened.length} workers; ${callsDuringFault} calls reached Intercom during it; ` +
      `webhooks answered ${JSON.stringify(statuses)}; drained ${drainMs} ms after recovery; ` +
      `attempts spent ${outcomes.retried - outcomesBefore.retried}, ` +
      `holds while open (no attempt) ${outcomes.circuitOpen - outcomesBefore.circuitOpen}`,
  );

  expect(statuses).toEqual(Array.from({ length: WEBHOOKS }, () => 200));
  expect(sync).toMatchObject({ failed: 0, active: 0 });
  expect(webhook).toMatchObject({ failed: 0 });
  expect(contacts).toHaveLength(CONTACTS);
  expect(contacts.filter((entry) => entry.writes !== 1)).toEqual([]);
  // Every worker's circuit closes, also on a worker left without work (its own probe).
  const closed = await waitFor(
    workerMetrics,
    (all) => all.every((text) => metricSum(text, 'intercom_circuit_state') === 0),
    LONG ? 90_000 : 30_000,
  );
  expect(closed.map((text) => metricSum(text, 'intercom_circuit_state'))).toEqual([0, 0]);
  await relay.sim.control('POST', 'reset');
}

describe('Intercom down for a while', () => {
  it('a 5xx storm: the circuit opens, webhooks are acknowledged, everything drains after', async () => {
    await survive('storm', { errorRates: { '500': 0.4, '502': 0.3, '503': 0.3 } });
  }, 180_000);

  it('a full outage: the circuit opens, webhooks are acknowledged, everything drains after', async () => {
    await survive('outage', { outage: true });
  }, 180_000);
});
