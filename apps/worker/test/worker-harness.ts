import { Writable } from 'node:stream';
import { type Lane, QueueNames } from '@relay/jobs';
import { createProducer } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createCompanyState, createContactState } from '@relay/sync';
import { createLogger, createMetrics } from '@relay/telemetry';
import { type SimContact, startSimulator, startTestRedis, waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import { loadConfig } from '../src/config.ts';
import { createWorkerRuntime } from '../src/runtime.ts';

/** A contact as the simulator holds it, with how many writes it took. */
export type HarnessContact = SimContact & { writes: number };

/** A real Redis, the simulator over HTTP and an in-process worker runtime. */
export async function startWorkerHarness(
  simArgs: string[] = [],
  env: Record<string, string> = {},
  { autostart = true } = {},
) {
  const redis = await startTestRedis();
  const sim = await startSimulator(simArgs);
  const config = loadConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    INTERCOM_API_BASE_URL: sim.url,
    INTERCOM_ACCESS_TOKEN: sim.token,
    WORKER_CONCURRENCY: '5',
    RECONCILE_EVERY_MS: '0', // its sweep's calls would blur the call counts tests assert on
    RECONCILE_COMPANIES_EVERY_MS: '0',
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger({
    service: 'worker-test',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const metrics = createMetrics({ service: 'worker-test', defaultMetrics: false });
  const runtime = createWorkerRuntime({ config, logger, metrics });
  const connection = createProducerConnection(redis.url);
  connection.on('error', () => {});
  await waitUntilReady(connection);
  const producer = createProducer({ connection, prefix: redis.prefix });
  const laneQueues = Object.fromEntries(
    (Object.keys(QueueNames) as Lane[]).map((lane) => [
      lane,
      new Queue(QueueNames[lane], { connection, prefix: redis.prefix }),
    ]),
  ) as Record<Lane, Queue>;
  const syncQueue = laneQueues.sync;
  if (autostart) runtime.start();

  return {
    sim,
    redisUrl: redis.url,
    prefix: redis.prefix,
    /** The producer's Redis connection, for a look at keys the processors keep. */
    connection,
    producer,
    /** The per-record state, as the producer and the workers see it. */
    contacts: createContactState(connection, redis.prefix),
    companies: createCompanyState(connection, redis.prefix),
    metrics,
    logs,
    syncQueue,
    /**
     * Waits until the job has completed or failed, and tells its state, result, failure
     * reason and attempts.
     */
    async settled(lane: Lane, jobId: string, timeoutMs = 15_000) {
      const queue = laneQueues[lane];
      await waitFor(
        async () => (await queue.getJob(jobId))?.getState(),
        (state) => state === 'completed' || state === 'failed',
        timeoutMs,
      );
      const job = await queue.getJob(jobId);
      return {
        state: await job?.getState(),
        result: job?.returnvalue,
        reason: job?.failedReason,
        attempts: job?.attemptsMade,
        data: job?.data,
      };
    },
    runtime,
    /** Calls the simulator answered, by endpoint template and status. */
    async simCalls(): Promise<number> {
      return (await sim.stats()).total;
    },
    /** Every contact the simulator holds, with how many writes it took. */
    simContacts: async (): Promise<HarnessContact[]> => {
      const { contacts } = await sim.contacts();
      return contacts.map((entry) => ({ ...entry.contact, writes: entry.writes }));
    },
    /** Resolves when no sync job is waiting, delayed or active, or throws after timeoutMs. */
    async drained(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const counts = await syncQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((count) => count === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`queue not drained within ${timeoutMs} ms`);
    },
    async close() {
      await runtime.close(5_000);
      await Promise.all(Object.values(laneQueues).map((queue) => queue.close()));
      await producer.close();
      connection.disconnect();
      await sim.stop();
      await redis.stop();
    },
  };
}
