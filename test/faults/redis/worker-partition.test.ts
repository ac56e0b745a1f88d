import { join } from 'node:path';
import { QueueNames } from '@relay/jobs';
import { createProducer } from '@relay/jobs/queue';
import {
  createProducerConnection,
  createWorkerConnection,
  waitUntilReady,
} from '@relay/jobs/redis';
import {
  createTcpProxy,
  freePort,
  type NodeProcess,
  REPO_ROOT,
  type SimContactEntry,
  startNodeProcess,
  type TcpProxy,
  useRedis,
  useSimulator,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = '{relay}';
const JOB_LOCK_MS = 2_000;
const CONTACTS = 40;

const redis = useRedis({ server: true });
const sim = useSimulator();
let proxy: TcpProxy;
let producerConnection: Redis;
let producer: ReturnType<typeof createProducer>;
let queueConnection: Redis;
let syncQueue: Queue;
const workers = new Set<NodeProcess<string>>();

beforeAll(async () => {
  proxy = await createTcpProxy({ target: redis.url });
  producerConnection = createProducerConnection(redis.url);
  await waitUntilReady(producerConnection);
  producer = createProducer({ connection: producerConnection, prefix: PREFIX });
  queueConnection = createWorkerConnection(redis.url);
  syncQueue = new Queue(QueueNames.sync, { connection: queueConnection, prefix: PREFIX });
}, 60_000);

afterAll(async () => {
  proxy?.setMode('pass');
  await Promise.all([...workers].map((worker) => worker.stop(10_000)));
  await syncQueue?.close();
  await producer?.close();
  producerConnection?.disconnect();
  queueConnection?.disconnect();
  await proxy?.close();
});

async function startWorker(redisUrl: string) {
  const metricsPort = String(await freePort());
  const worker = await startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/worker/src/main.ts'),
    env: {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: PREFIX,
      INTERCOM_API_BASE_URL: sim.url,
      INTERCOM_ACCESS_TOKEN: sim.token,
      HOST: '127.0.0.1',
      METRICS_PORT: metricsPort,
      WORKER_CONCURRENCY: '10',
      JOB_LOCK_MS: String(JOB_LOCK_MS),
      SHUTDOWN_GRACE_MS: '2000',
      RECONCILE_EVERY_MS: '0',
      LOG_LEVEL: 'warn',
    },
    readyUrl: `http://127.0.0.1:${metricsPort}/healthz`,
  });
  workers.add(worker);
  return worker;
}

async function simContacts(): Promise<Map<string | null, SimContactEntry>> {
  const { contacts } = await sim.contacts();
  return new Map(contacts.map((entry) => [entry.contact.external_id, entry]));
}

async function writeCalls(): Promise<number> {
  const stats = await sim.stats();
  return Object.entries(stats.calls)
    .filter(([route]) => /^(POST|PUT) \/contacts/.test(route))
    .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

/** Nothing more reaches the simulator: two reads a second apart see the same calls. */
async function settled() {
  let last = -1;
  await waitFor(
    async () => {
      const now = await writeCalls();
      const same = now === last;
      last = now;
      return same;
    },
    (same) => same,
    30_000,
    1_000,
  );
}

/** Per contact, the versions of its data Intercom accepted, in the order they arrived. */
async function writtenVersions(): Promise<Map<string, string[]>> {
  const entries = await sim.journal();
  const versions = new Map<string, string[]>();
  for (const entry of entries) {
    const isWrite = entry.method === 'POST' || entry.method === 'PUT';
    const name = (entry.body as { name?: unknown } | null)?.name;
    if (!isWrite || entry.status !== 200 || typeof name !== 'string') continue;
    const [id, version] = name.split(' ');
    if (id && version) versions.set(id, [...(versions.get(id) ?? []), version]);
  }
  return versions;
}

const ids = Array.from({ length: CONTACTS }, (_, i) => `cut-${i}`);
const version = (v: string) => ids.map((id) => ({ external_id: id, name: `${id} ${v}` }));

async function drained() {
  const counts = await waitFor(
    () => syncQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
    (counts) => Object.values(counts).every((n) => n === 0),
    60_000,
    250,
  );
  expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0 });
}

/**
 * Worker A runs `push` through the proxy; mid-run (its jobs in calls to a slow simulator)
 * the proxy blackholes it for three job locks, while worker B, started on Redis directly,
 * takes its jobs over; `meanwhile` runs before A is let through again. Returns the jobs A
 * was running.
 */
async function cutOffMidRun(push: () => Promise<unknown>, meanwhile: () => Promise<unknown>) {
  await sim.control('POST', 'faults', { latencyMs: 300 });
  await push();
  await waitFor(
    () => syncQueue.getJobCounts('active'),
    (counts) => (counts.active ?? 0) >= 5,
    20_000,
    20,
  );
  const cutOff = (await syncQueue.getActive()).map((job) => job.id as string);
  proxy.setMode('blackhole');
  const since = Date.now();
  const b = await startWorker(redis.url);
  await sim.control('DELETE', 'faults');
  await drained();
  await meanwhile();
  await waitFor(
    async () => Date.now() - since,
    (ms) => ms >= 3 * JOB_LOCK_MS,
    10_000,
  );
  proxy.setMode('pass');
  await settled();
  await b.stop(10_000);
  workers.delete(b);
  return cutOff;
}

describe('a worker cut off from Redis longer than its job lock', () => {
  it('lets a second worker run its jobs, and no effect reaches Intercom twice or out of order', async () => {
    await startWorker(proxy.url); // A

    // Creates: A is cut off while its creates are in flight.
    const cutCreates = await cutOffMidRun(
      async () => {
        await producer.enqueueContactUpserts(version('v1'));
      },
      async () => {},
    );
    expect(cutCreates.length).toBeGreaterThan(0);

    // Updates: A is cut off mid-update; meanwhile B applies v2 and then v3.
    const cutUpdates = await cutOffMidRun(
      () => producer.enqueueContactUpserts(version('v2')),
      async () => {
        await producer.enqueueContactUpserts(version('v3'));
        await drained();
      },
    );
    expect(cutUpdates.length).toBeGreaterThan(0);
    // A, B, A: back to v2 after v3 (a stale "already synced" would skip it).
    await producer.enqueueContactUpserts(version('v2'));
    await drained();
    await settled();

    const synced = await simContacts();
    const stats = await sim.stats();
    const written = await writtenVersions();
    const expected = ['v1', 'v2', 'v3', 'v2'];
    const wrong = ids.filter((id) => written.get(id)?.join() !== expected.join());
    console.log(
      'worker cut off:',
      JSON.stringify({
        contacts: CONTACTS,
        cutOffMidCreate: cutCreates.length,
        cutOffMidUpdate: cutUpdates.length,
        calls: stats.calls,
        writesOutOfSequence: wrong.length,
        example: wrong[0] ? { [wrong[0]]: written.get(wrong[0]) } : null,
      }),
    );
    expect(synced.size).toBe(CONTACTS); // no duplicate contact
    expect(stats.calls['POST /contacts']?.['200']).toBe(CONTACTS); // each created once
    // Each contact saw exactly its four versions, once each, in order: no update doubled, no
    // stale one from the cut-off worker landing after a newer one.
    expect(wrong.map((id) => ({ [id]: written.get(id) }))).toEqual([]);
    for (const id of ids) expect(synced.get(id)?.contact.name).toBe(`${id} v2`);
  }, 150_000);
});
