import { AppError, isAppError, jobEffectOf } from '@relay/errors';
import { isRedisUnavailableError } from '@relay/jobs/redis';
import type { RunContext } from '@relay/sync';
import { type Logger, type Metrics, seriesByLabels } from '@relay/telemetry';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { fenceWrites, renewedInTime } from './fenced-intercom.ts';
import { processors, redactWhenDone, type WorkerServices } from './processors/index.ts';

export type JobRunnerDeps = {
  services: WorkerServices;
  metrics: Metrics;
  logger: Logger;
  /** Holds back every worker of this queue for `ms` (BullMQ's queue-level rate limit). */
  pauseQueue: (ms: number) => Promise<void>;
  /**
   * The job lock's duration (JOB_LOCK_MS). Before each write to Intercom a run renews its
   * job's lock for this long, and makes no write once the job is no longer its own.
   */
  jobLockMs: number;
};

/** Redis failing under a run (a failover, a closed connection) holds the lane like a 503. */
const REDIS_LOST_HOLD_MS = 1_000;

function asAppError(caught: unknown): AppError {
  if (isAppError(caught)) return caught;
  const message = caught instanceof Error ? caught.message : String(caught);
  if (isRedisUnavailableError(caught)) {
    return new AppError('QUEUE_UNAVAILABLE', `Redis could not serve the job: ${message}`, {
      cause: caught,
      retryAfterMs: REDIS_LOST_HOLD_MS,
    });
  }
  return new AppError('INTERNAL', message, { cause: caught });
}

/**
 * The one place where errors become BullMQ behaviour, as the error catalog says for each code
 * (`onJob` in @relay/errors):
 * - `hold` (no permit or a 429, the circuit open, the token refused, Redis unable to serve)
 *   → the queue waits (the error's retryAfterMs, else the catalog's holdMs), the job goes
 *   back to the head of it and no attempt is used;
 * - `defer` (another job of the same record is running) → this job is delayed briefly, no
 *   attempt used;
 * - `abandon` (the run lost its job) → nothing for BullMQ to do: the job is another run's;
 * - `fail` → UnrecoverableError: failed at once, with code, message and request_id;
 * - `retry` → rethrow: BullMQ retries with exponential backoff and full jitter.
 * failedReason holds the AppError as JSON, so job status can show the code and request_id.
 */
export function createJobRunner(deps: JobRunnerDeps) {
  // Labelled series resolved once per queue and outcome (per job, it shows in the CPU profile).
  const jobs = seriesByLabels((queue, outcome) => deps.metrics.jobs.labels({ queue, outcome }));
  const count = (queue: string, outcome: string) => jobs(queue, outcome).inc();
  const failures = seriesByLabels((queue, code) =>
    deps.metrics.jobFailures.labels({ queue, code }),
  );
  const durations = new Map<string, { startTimer(): () => void }>();
  const timer = (queue: string) => {
    let histogram = durations.get(queue);
    if (!histogram) {
      histogram = deps.metrics.jobDuration.labels({ queue });
      durations.set(queue, histogram);
    }
    return histogram.startTimer();
  };

  return async (job: Job, token?: string): Promise<unknown> => {
    const queue = job.queueName;
    // A child logger costs more than most jobs' own work: made only when something is logged.
    const log = () =>
      deps.logger.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
    const processor = (
      processors as unknown as Record<
        string,
        (data: unknown, s: WorkerServices, context: RunContext) => Promise<unknown>
      >
    )[job.name];
    if (!processor)
      throw new UnrecoverableError(
        JSON.stringify({ code: 'PAYLOAD_INVALID', message: `no processor for job ${job.name}` }),
      );

    // A run cut off from Redis past its lock must not write what it read before the cut after
    // another run took the job over: every write first renews the lock, or stops the run.
    const services = token
      ? {
          ...deps.services,
          intercom: fenceWrites(
            deps.services.intercom,
            () => renewedInTime(() => job.extendLock(token, deps.jobLockMs), deps.jobLockMs),
            job.id as string,
          ),
        }
      : deps.services;
    const stopTimer = timer(queue);
    try {
      const result = await processor(job.data, services, {
        jobId: job.id as string,
        attempt: job.attemptsMade + 1,
        startedBefore: (job.attemptsStarted ?? 0) > 1 || job.attemptsMade > 0,
        lock: token ? { key: `${job.queueQualifiedName}:${job.id}:lock`, token } : undefined,
      });
      const redact = redactWhenDone[job.name];
      if (redact) await job.updateData(redact(job.data));
      count(queue, 'completed');
      if (deps.logger.isLevelEnabled('debug')) log().debug('completed job');
      return result;
    } catch (caught) {
      const error = asAppError(caught);
      const effect = jobEffectOf(error.code);
      if (effect.onJob === 'abandon') {
        // Nothing to hand to BullMQ: the job is another run's (its lock says so).
        count(queue, 'taken_over');
        log().warn('abandoned job: its lock passed to another run');
        throw caught;
      }
      const summary = JSON.stringify(error.toJSON());

      if (effect.onJob === 'hold') {
        const waitMs = Math.max(error.retryAfterMs ?? effect.holdMs, 1);
        count(queue, effect.label);
        // A 403 is logged per job; a refused token (401) by the auth hold, once and then at a
        // bounded rate, however many jobs it holds.
        if (error.code === 'INTERCOM_UNAUTHORIZED' && error.status === 403) {
          log().error({ code: error.code, requestId: error.requestId, waitMs }, 'holding queue');
        } else if (error.code === 'QUEUE_UNAVAILABLE') {
          // At most one a hold period per lane and process: the hold stops the lane.
          log().warn({ code: error.code, err: error, waitMs }, 'holding queue: Redis cannot serve');
        } else {
          if (deps.logger.isLevelEnabled('debug')) {
            log().debug({ code: error.code, requestId: error.requestId, waitMs }, 'holding queue');
          }
        }
        await deps.pauseQueue(waitMs);
        throw Worker.RateLimitError();
      }
      if (effect.onJob === 'defer' && token) {
        count(queue, 'deferred');
        await job.moveToDelayed(Date.now() + (error.retryAfterMs ?? effect.afterMs), token);
        throw new DelayedError();
      }
      if (effect.onJob === 'fail') {
        count(queue, 'failed');
        failures(queue, error.code).inc();
        log().warn(
          { code: error.code, requestId: error.requestId, status: error.status },
          'failed job',
        );
        throw new UnrecoverableError(summary);
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      count(queue, lastAttempt ? 'failed' : 'retried');
      if (lastAttempt) failures(queue, error.code).inc();
      log().warn(
        { code: error.code, requestId: error.requestId, err: error },
        lastAttempt ? 'failed job' : 'will retry job',
      );
      throw new Error(summary, { cause: error });
    } finally {
      stopTimer();
    }
  };
}
