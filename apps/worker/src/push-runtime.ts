import type { KeyObject } from 'node:crypto';
import { AppError } from '@relay/errors';
import { JobNames } from '@relay/jobs';
import { connectRedis } from '@relay/jobs/redis';
import {
  createPush,
  type DeliveryJob,
  type DeliveryOutcome,
  parseSigningSecrets,
} from '@relay/sync';
import { createScrapeSample, type Logger, type Metrics } from '@relay/telemetry';
import type { MinimalJob, Queue } from 'bullmq';
import type { WorkerConfig } from './config.ts';

/** The backoff type of delivery jobs: CRM_WEBHOOK_RETRY_SCHEDULE, or the CRM's Retry-After. */
const CRM_BACKOFF = 'crm-schedule';

type PushRuntimeDeps = {
  config: WorkerConfig;
  settings: NonNullable<WorkerConfig['crmWebhook']>;
  crmQueue: Queue;
  /** As the worker's state connection's: a delivery job's write sent while its lock holds. */
  commandTimeoutMs: number;
  logger: Logger;
  metrics: Metrics;
};

/**
 * The push of the change feed to the CRM in this worker process: the dispatcher (one in the
 * cluster at a time) and what `change.deliver` jobs use; metrics and the retry delays.
 */
export function createPushRuntime(deps: PushRuntimeDeps) {
  const { settings, metrics, logger } = deps;
  // Secrets are parsed once per value: a rotated secret file is picked up on the next delivery.
  let parsed: { value: string; secrets: KeyObject[] } | undefined;
  const secrets = () => {
    const value = settings.secret.get();
    if (parsed?.value !== value) parsed = { value, secrets: parseSigningSecrets(value) };
    return parsed.secrets;
  };
  const series = new Map<string, { inc(): void }>();
  const outcomes = (outcome: string) => {
    let counter = series.get(outcome);
    if (!counter) {
      counter = metrics.crmDeliveries.labels({ outcome });
      series.set(outcome, counter);
    }
    return counter;
  };
  // A connection of the push's own, without auto-pipelining: the fast path batches its
  // commands itself, and an auto-pipeline copies every script defined on its connection onto
  // each tick's pipeline (the worker's state connection has dozens: bench/push-throughput.ts).
  const redis = connectRedis(deps.config.redis, {
    maxRetriesPerRequest: 2,
    commandTimeout: deps.commandTimeoutMs,
  });
  const blocking = connectRedis(deps.config.redis, { maxRetriesPerRequest: null });
  const push = createPush({
    redis,
    blocking,
    prefix: deps.config.queuePrefix,
    url: settings.url,
    secrets,
    retryScheduleMs: settings.retryScheduleMs,
    timeoutMs: settings.timeoutMs,
    concurrency: settings.concurrency,
    retentionMs: deps.config.feedRetentionMs,
    addDelivery: async (jobId: string, job: DeliveryJob, delayMs: number) => {
      await deps.crmQueue.add(JobNames.changeDeliver, job, {
        jobId,
        delay: delayMs,
        attempts: Math.max(push.attempts, 1),
        backoff: { type: CRM_BACKOFF },
      });
    },
    observe: (outcome: DeliveryOutcome, lagSeconds?: number) => {
      outcomes(outcome).inc();
      if (lagSeconds !== undefined) metrics.crmDeliveryLag.observe(lagSeconds);
    },
    onError: (error) =>
      logger.error({ err: { message: (error as Error).message } }, 'change feed dispatcher failed'),
    onMissed: (from, trimmedTo) =>
      logger.error(
        { from, trimmedTo },
        'changes left the log (FEED_RETENTION_MS) before they were pushed to the CRM: the CRM should reconcile from GET /v1/changes',
      ),
  });
  const sample = createScrapeSample({
    age: metrics.redisGaugesAge,
    read: async () => {
      metrics.crmUndelivered.set(await push.undelivered());
      metrics.crmEndpointState.set(await push.circuit.state());
    },
  });
  sample.attach(metrics.crmUndelivered, metrics.crmEndpointState);

  return {
    push,
    /** BullMQ's custom backoff: the wait before a failed delivery's next attempt. */
    backoff(attemptsMade: number, type?: string, error?: Error, job?: MinimalJob) {
      if (type !== CRM_BACKOFF || job?.name !== JobNames.changeDeliver) return 0;
      const cause = (error as { cause?: unknown } | undefined)?.cause;
      const retryAfter = cause instanceof AppError ? cause.retryAfterMs : undefined;
      return push.retryDelayMs(attemptsMade, retryAfter);
    },
    start: () => push.start(),
    async stop() {
      const stopping = push.stop();
      blocking.disconnect(); // ends the dispatcher's blocking read now, also with Redis gone
      await stopping;
    },
    /** After the delivery jobs ended: they use the connection too. */
    disconnect: () => redis.disconnect(),
    connection: redis,
  };
}
