import { createIntercomClient } from '@relay/intercom';
import { createWorkerConnection, type Lane, QueueNames } from '@relay/jobs';
import type { Logger, Metrics } from '@relay/telemetry';
import { Queue, Worker } from 'bullmq';
import type { WorkerConfig } from './config.ts';
import { createJobRunner } from './run-job.ts';

export type WorkerRuntimeDeps = { config: WorkerConfig; logger: Logger; metrics: Metrics };

/** The lanes this process drains. Erasure and backfill lanes join with their job kinds. */
const LANES: readonly Lane[] = ['webhook', 'sync'];

/**
 * BullMQ honours a manual queue rate limit (a 429) in other workers only when they have a
 * limiter configured; this one is far above anything Intercom allows, so it never binds.
 */
const HONOUR_MANUAL_RATE_LIMITS = { max: 1_000_000, duration: 1_000 };

/** One BullMQ worker per lane, wired to Intercom. `close` drains within the grace period. */
export function createWorkerRuntime({ config, logger, metrics }: WorkerRuntimeDeps) {
  const connection = createWorkerConnection(config.redisUrl);
  connection.on('error', (err) =>
    logger.warn({ err: { message: err.message } }, 'redis connection error'),
  );
  const intercom = createIntercomClient({
    baseUrl: config.intercomApiBaseUrl,
    version: config.intercomApiVersion,
    token: () => config.intercomAccessToken.get(),
    timeoutMs: config.intercomTimeoutMs,
    metrics,
  });

  const queues = LANES.map(
    (lane) => new Queue(QueueNames[lane], { connection, prefix: config.queuePrefix }),
  );
  const workers = queues.map((queue) => {
    const worker = new Worker(
      queue.name,
      createJobRunner({
        processorDeps: { intercom },
        metrics,
        logger,
        pauseQueue: (ms) => queue.rateLimit(ms),
      }),
      {
        connection,
        prefix: config.queuePrefix,
        concurrency: config.concurrency,
        limiter: HONOUR_MANUAL_RATE_LIMITS,
        autorun: false,
      },
    );
    worker.on('error', (err) => logger.error({ err }, 'worker error'));
    return worker;
  });

  return {
    workers,
    start() {
      for (const worker of workers) void worker.run();
      logger.info(
        { queues: queues.map((q) => q.name), concurrency: config.concurrency },
        'workers started',
      );
    },
    /**
     * Stops taking jobs and waits for running ones up to `graceMs`; jobs still running then
     * are abandoned and come back through stalled-job recovery (their effects are idempotent).
     */
    async close(graceMs = config.shutdownGraceMs): Promise<void> {
      const graceful = Promise.all(workers.map((worker) => worker.close()));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (timedOut) {
        logger.warn({ graceMs }, 'jobs still running after the grace period; handing them back');
        await Promise.all(workers.map((worker) => worker.close(true)));
      }
      await Promise.all(queues.map((queue) => queue.close()));
      connection.disconnect();
    },
  };
}
