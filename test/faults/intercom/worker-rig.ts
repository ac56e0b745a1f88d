import { QueueNames } from '@relay/jobs';
import { createProducer, type EnqueueItemResult } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import {
  type SimulatorProcess,
  startSimulator,
  startTestRedis,
  type TestRedis,
} from '@relay/testkit';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startWorkerProcess, type WorkerProcess } from '../workers/worker-process.ts';

export type JournalEntry = {
  seq: number;
  at: number;
  method: string;
  route: string | null;
  status: number;
  outcome: string | null;
  headers: Record<string, string>;
};

export type SimContact = {
  contact: { id: string; external_id: string | null; name: string | null };
  writes: number;
};

/**
 * A private Redis, the simulator, and worker processes against it: the relay's sync lane as
 * in production, for Intercom faults injected through the simulator's /__sim/faults.
 */
export async function startWorkerRig(options: { simArgs?: string[] } = {}) {
  const redis: TestRedis = await startTestRedis();
  const sim: SimulatorProcess = await startSimulator(options.simArgs ?? []);
  const connection: Redis = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  const producer = createProducer({ connection, prefix: redis.prefix });
  const syncQueue = new Queue(QueueNames.sync, { connection, prefix: redis.prefix });
  const workers: WorkerProcess[] = [];

  return {
    redis,
    sim,
    producer,
    syncQueue,
    workers,
    /** A worker process; `onLine` hears each line it logs. */
    async startWorker(env: Record<string, string> = {}, onLine?: (line: string) => void) {
      const worker = await startWorkerProcess(
        {
          REDIS_URL: redis.url,
          QUEUE_PREFIX: redis.prefix,
          INTERCOM_API_BASE_URL: sim.url,
          INTERCOM_ACCESS_TOKEN: sim.token,
          WORKER_CONCURRENCY: '5',
          ...env,
        },
        onLine ? { onLine } : {},
      );
      workers.push(worker);
      return worker;
    },
    /** Queues contact upserts `<tag>-0…`, and gives their job ids. */
    async enqueueContacts(count: number, tag: string): Promise<string[]> {
      const results: EnqueueItemResult[] = await producer.enqueueContactUpserts(
        Array.from({ length: count }, (_, i) => ({ external_id: `${tag}-${i}`, name: tag })),
      );
      return results.map((result) => {
        if (!result.ok) throw result.error;
        return result.jobId;
      });
    },
    async jobs(ids: string[]): Promise<Job[]> {
      return (await Promise.all(ids.map((id) => syncQueue.getJob(id)))) as Job[];
    },
    async counts() {
      return syncQueue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
    },
    async journal(): Promise<JournalEntry[]> {
      return (await sim.control<{ entries: JournalEntry[] }>('GET', 'journal')).entries;
    },
    async contacts(): Promise<SimContact[]> {
      return (await sim.control<{ contacts: SimContact[] }>('GET', 'contacts')).contacts;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.process.stop(10_000)));
      await syncQueue.close();
      await producer.close();
      connection.disconnect();
      await sim.stop();
      await redis.stop();
    },
  };
}

export type WorkerRig = Awaited<ReturnType<typeof startWorkerRig>>;
