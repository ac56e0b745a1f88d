import { QueueNames } from '@relay/jobs';
import { createProducer, type EnqueueItemResult } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { type JournalEntry, type SimContactEntry, useRedis, useSimulator } from '@relay/testkit';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from '../workers/worker-process.ts';

/**
 * A private Redis, the simulator, and worker processes against it: the relay's sync lane as
 * in production, for Intercom faults injected through the simulator's /__sim/faults. Set up
 * in beforeAll and torn down in afterAll of the file; valid inside its hooks and tests.
 */
export function useWorkerRig(options: { simArgs?: string[] } = {}) {
  const redis = useRedis();
  const sim = useSimulator(options.simArgs ?? []);
  let connection: Redis | undefined;
  let producer: ReturnType<typeof createProducer> | undefined;
  let syncQueue: Queue | undefined;
  const workers: WorkerProcess[] = [];
  const ready = () => {
    if (!producer || !syncQueue) throw new Error('the worker rig is used outside its hooks');
    return { producer, syncQueue };
  };

  beforeAll(async () => {
    connection = createProducerConnection(redis.url);
    await waitUntilReady(connection);
    producer = createProducer({ connection, prefix: redis.prefix });
    syncQueue = new Queue(QueueNames.sync, { connection, prefix: redis.prefix });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.process.stop(10_000)));
    await syncQueue?.close();
    await producer?.close();
    connection?.disconnect();
  });

  return {
    redis,
    sim,
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
      const results: EnqueueItemResult[] = await ready().producer.enqueueContactUpserts(
        Array.from({ length: count }, (_, i) => ({ external_id: `${tag}-${i}`, name: tag })),
      );
      return results.map((result) => {
        if (!result.ok) throw result.error;
        return result.jobId;
      });
    },
    async jobs(ids: string[]): Promise<Job[]> {
      const { syncQueue } = ready();
      return (await Promise.all(ids.map((id) => syncQueue.getJob(id)))) as Job[];
    },
    async counts() {
      return ready().syncQueue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
    },
    journal: (): Promise<JournalEntry[]> => sim.journal(),
    async contacts(): Promise<SimContactEntry[]> {
      return (await sim.contacts()).contacts;
    },
  };
}
