import { join } from 'node:path';
import { QueueNames } from '@relay/jobs';
import { createProducer } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import {
  freePort,
  type NodeProcess,
  REPO_ROOT,
  startNodeProcess,
  useRedis,
  useSimulator,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const redis = useRedis();
const sim = useSimulator(['--latency-ms', '20', '--latency-max-ms', '120']);
let connection: Redis;
let producer: ReturnType<typeof createProducer>;
let syncQueue: Queue;
const running = new Set<NodeProcess<string>>();

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  producer = createProducer({ connection, prefix: redis.prefix });
  syncQueue = new Queue(QueueNames.sync, { connection, prefix: redis.prefix });
}, 30_000);

afterAll(async () => {
  await Promise.all([...running].map((worker) => worker.stop(10_000)));
  await syncQueue?.close();
  await producer?.close();
  connection?.disconnect();
});

async function startWorker(env: Record<string, string> = {}) {
  const metricsPort = String(await freePort());
  const worker = await startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/worker/src/main.ts'),
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      INTERCOM_API_BASE_URL: sim.url,
      INTERCOM_ACCESS_TOKEN: sim.token,
      HOST: '127.0.0.1',
      METRICS_PORT: metricsPort,
      WORKER_CONCURRENCY: '20',
      JOB_LOCK_MS: '2000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    readyUrl: `http://127.0.0.1:${metricsPort}/healthz`,
  });
  running.add(worker);
  return worker;
}

async function simContacts() {
  return (await sim.contacts()).contacts;
}

describe('a worker killed mid-run', () => {
  it('loses no job and applies no effect twice, across repeated SIGKILLs', async () => {
    const total = 400;
    const contacts = Array.from({ length: total }, (_, i) => ({
      external_id: `crash-${i}`,
      name: `Contact ${i}`,
    }));
    const results = await producer.enqueueContactUpserts(contacts);
    expect(results.every((result) => result.ok)).toBe(true);

    for (const share of [0.25, 0.5, 0.75]) {
      const worker = await startWorker();
      await waitFor(simContacts, (synced) => synced.length >= total * share, 60_000);
      await worker.kill('SIGKILL'); // mid-run: jobs are active, some calls are in flight
      running.delete(worker);
    }
    const last = await startWorker();
    const drained = await waitFor(
      () => syncQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
      (counts) => counts.completed === total,
      60_000,
    );
    await last.stop(10_000);
    running.delete(last);

    expect(drained.failed).toBe(0);
    const synced = await simContacts();
    const byExternalId = new Map(synced.map((entry) => [entry.contact.external_id, entry.contact]));
    expect(synced).toHaveLength(total); // no duplicate contact
    for (const contact of contacts) {
      expect(byExternalId.get(contact.external_id)?.name).toBe(contact.name);
    }
    // Each contact was created exactly once; a job re-run after a kill met a 409 and updated.
    const stats = await sim.stats();
    expect(stats.calls['POST /contacts']?.['200']).toBe(total);
    // The kills did cut jobs short: some ran again and found their contact already created.
    expect(stats.calls['POST /contacts']?.['409']).toBeGreaterThan(0);
  }, 180_000);
});

describe('a worker asked to stop', () => {
  it('finishes the jobs it is running and exits 0 within its grace period', async () => {
    await sim.control('POST', 'faults', { latencyMs: 1_500 });
    try {
      const results = await producer.enqueueContactUpserts(
        Array.from({ length: 10 }, (_, i) => ({ external_id: `term-${i}`, name: 'T' })),
      );
      const worker = await startWorker({ SHUTDOWN_GRACE_MS: '10000', WORKER_CONCURRENCY: '5' });
      await waitFor(
        () => syncQueue.getJobCounts('active'),
        (counts) => (counts.active ?? 0) >= 5,
        10_000,
      );
      const started = Date.now();
      await worker.stop(20_000); // SIGTERM
      running.delete(worker);
      expect(worker.child.exitCode).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      const counts = await syncQueue.getJobCounts('active', 'completed');
      expect(counts.active).toBe(0); // nothing left to stall
      const states = await Promise.all(
        results.map(async (result) =>
          (await syncQueue.getJob(result.ok ? result.jobId : ''))?.getState(),
        ),
      );
      expect(states.filter((state) => state === 'completed').length).toBeGreaterThanOrEqual(5);
      expect(states.every((state) => state === 'completed' || state === 'waiting')).toBe(true);
    } finally {
      await sim.control('DELETE', 'faults');
    }
  }, 60_000);
});
