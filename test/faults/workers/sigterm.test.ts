import { QueueNames } from '@relay/jobs';
import { createProducer, type EnqueueItemResult } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { useRedis, useSimulator, waitFor } from '@relay/testkit';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * SIGTERM with jobs in flight: the worker lets them finish for SHUTDOWN_GRACE_MS, then hands
 * back what still runs and exits — also when Redis is gone and nothing can be handed back.
 */
const PREFIX = '{sigterm}';
const GRACE_MS = 2_000;
/** Room for the process to end once its shutdown is done (a loaded machine is slow to exit). */
const EXIT_MS = 1_500;
/** main.ts's last resort exits 1 this long after SIGTERM. */
const HARD_STOP_MS = GRACE_MS + 5_000;

const redis = useRedis({ server: true });
const sim = useSimulator();
let connection: Redis;
let producer: ReturnType<typeof createProducer>;
let syncQueue: Queue;
const started: WorkerProcess[] = [];

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  connection.on('error', () => {}); // Redis is killed on purpose below
  await waitUntilReady(connection);
  producer = createProducer({ connection, prefix: PREFIX });
  syncQueue = new Queue(QueueNames.sync, { connection, prefix: PREFIX });
  syncQueue.on('error', () => {});
}, 30_000);

afterEach(async () => {
  await Promise.all(started.map((worker) => worker.process.stop(10_000)));
  started.length = 0;
  await sim.control('POST', 'reset');
  await syncQueue.obliterate({ force: true });
});

afterAll(async () => {
  await syncQueue?.close();
  await producer?.close();
  connection?.disconnect();
});

async function startWorker(env: Record<string, string> = {}) {
  const worker = await startWorkerProcess({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: PREFIX,
    INTERCOM_API_BASE_URL: sim.url,
    INTERCOM_ACCESS_TOKEN: sim.token,
    WORKER_CONCURRENCY: '5',
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    ...env,
  });
  started.push(worker);
  return worker;
}

/** SIGTERM, and how long the process took to exit, with its exit code. */
async function terminate(worker: WorkerProcess) {
  const from = Date.now();
  await worker.process.stop(HARD_STOP_MS + 5_000);
  return { exitMs: Date.now() - from, code: worker.process.child.exitCode };
}

async function enqueue(count: number, tag: string) {
  const results = await producer.enqueueContactUpserts(
    Array.from({ length: count }, (_, i) => ({ external_id: `${tag}-${i}`, name: tag })),
  );
  expect(results.filter((result) => !result.ok)).toEqual([]);
  return results.map((result: EnqueueItemResult) => (result.ok ? result.jobId : ''));
}

async function jobsOf(ids: string[]) {
  return (await Promise.all(ids.map((id) => syncQueue.getJob(id)))) as Job[];
}

async function simContacts() {
  return (await sim.contacts()).contacts;
}

describe('a worker asked to stop (SIGTERM) with jobs in flight', () => {
  it('hands back jobs still running at the end of the grace period and exits 0; another worker finishes them without waiting for their locks', async () => {
    await sim.control('POST', 'faults', { latencyMs: 8_000 }); // calls outlast the grace period
    const ids = await enqueue(10, 'handback');
    // The default lock (30 s): jobs left to stall would wait that long to run again.
    const first = await startWorker({ JOB_LOCK_MS: '30000' });
    await waitFor(
      () => syncQueue.getJobCounts('active'),
      (counts) => (counts.active ?? 0) >= 5,
      15_000,
    );
    const stop = await terminate(first);
    const afterExit = await syncQueue.getJobCounts('active', 'waiting', 'completed');
    await sim.control('DELETE', 'faults');
    await startWorker({ JOB_LOCK_MS: '30000' });
    const drained = await waitFor(
      () => syncQueue.getJobCounts('completed', 'failed'),
      (counts) => counts.completed === ids.length,
      20_000, // well inside the 30 s lock: the handed-back jobs did not wait for it
    );
    const jobs = await jobsOf(ids);
    const contacts = await simContacts();
    console.info(
      `sigterm: exited ${stop.exitMs} ms after SIGTERM (grace ${GRACE_MS} ms), code ${stop.code}; ` +
        `at exit ${afterExit.active} active, ${afterExit.waiting} waiting, ${afterExit.completed} completed`,
    );

    expect(stop.code).toBe(0);
    expect(stop.exitMs).toBeLessThan(GRACE_MS + EXIT_MS);
    expect(afterExit.active).toBe(0); // nothing left to stall
    expect(drained).toMatchObject({ completed: ids.length, failed: 0 });
    expect(jobs.map((job) => job.stalledCounter)).toEqual(ids.map(() => 0));
    expect(contacts).toHaveLength(ids.length);
    expect(contacts.filter((entry) => entry.writes !== 1)).toEqual([]);
  }, 60_000);

  it('exits 0 within its grace period when Redis is down, and its jobs run after Redis is back', async () => {
    await sim.control('POST', 'faults', { latencyMs: 1_000 });
    const ids = await enqueue(10, 'redis-down');
    const worker = await startWorker({ JOB_LOCK_MS: '3000' });
    await waitFor(
      () => syncQueue.getJobCounts('active'),
      (counts) => (counts.active ?? 0) >= 5,
      15_000,
    );
    await redis.server.kill();
    const stop = await terminate(worker);
    console.info(
      `sigterm with Redis down: exited ${stop.exitMs} ms after SIGTERM (grace ${GRACE_MS} ms), code ${stop.code}`,
    );
    expect(stop.code).toBe(0);
    expect(stop.exitMs).toBeLessThan(GRACE_MS + EXIT_MS);

    await redis.server.restart();
    await waitUntilReady(connection, 10_000);
    await sim.control('DELETE', 'faults');
    await startWorker({ JOB_LOCK_MS: '3000' });
    const drained = await waitFor(
      () => syncQueue.getJobCounts('completed', 'failed', 'active', 'waiting'),
      (counts) => counts.completed === ids.length,
      30_000,
    );
    expect(drained).toMatchObject({ completed: ids.length, failed: 0, active: 0 });
    const contacts = await simContacts();
    expect(contacts).toHaveLength(ids.length);
    expect(contacts.filter((entry) => entry.writes !== 1)).toEqual([]);
  }, 60_000);
});
