import { AppError, isAppError } from '@relay/errors';
import type { Logger, Metrics } from '@relay/telemetry';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { type ProcessorDeps, processors } from './processors/index.ts';

export type JobRunnerDeps = {
  processorDeps: ProcessorDeps;
  metrics: Metrics;
  logger: Logger;
  /** Holds back every worker of this queue for `ms` (BullMQ's queue-level rate limit). */
  pauseQueue: (ms: number) => Promise<void>;
};

/** How long a revoked or wrong token holds a queue before trying again (a human must act). */
const UNAUTHORIZED_PAUSE_MS = 60_000;

/**
 * The one place where errors become BullMQ behaviour:
 * - rate limited (429) → hold the queue until the window resets; the job waits, no attempt used;
 * - unauthorized (401/403) → hold the queue a minute; the backlog waits rather than failing;
 * - not retryable → UnrecoverableError: failed at once, with code, message and request_id;
 * - otherwise → rethrow: BullMQ retries with exponential backoff and full jitter.
 * failedReason holds the AppError as JSON, so job status can show the code and request_id.
 */
export function createJobRunner(deps: JobRunnerDeps) {
  return async (job: Job): Promise<unknown> => {
    const queue = job.queueName;
    const log = deps.logger.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
    const processor = (
      processors as Record<string, (data: unknown, d: ProcessorDeps) => Promise<unknown>>
    )[job.name];
    if (!processor)
      throw new UnrecoverableError(
        JSON.stringify({ code: 'PAYLOAD_INVALID', message: `no processor for job ${job.name}` }),
      );

    const stopTimer = deps.metrics.jobDuration.startTimer({ queue });
    try {
      const result = await processor(job.data, deps.processorDeps);
      deps.metrics.jobs.inc({ queue, outcome: 'completed' });
      log.debug('completed job');
      return result;
    } catch (caught) {
      const error = isAppError(caught)
        ? caught
        : new AppError('INTERNAL', caught instanceof Error ? caught.message : String(caught), {
            cause: caught,
          });
      const summary = JSON.stringify(error.toJSON());

      if (error.code === 'INTERCOM_RATE_LIMITED' || error.code === 'INTERCOM_UNAUTHORIZED') {
        const waitMs =
          error.code === 'INTERCOM_RATE_LIMITED'
            ? (error.retryAfterMs ?? 10_000)
            : UNAUTHORIZED_PAUSE_MS;
        deps.metrics.jobs.inc({
          queue,
          outcome: error.code === 'INTERCOM_RATE_LIMITED' ? 'rate_limited' : 'paused',
        });
        log[error.code === 'INTERCOM_RATE_LIMITED' ? 'info' : 'error'](
          { code: error.code, requestId: error.requestId, waitMs },
          'holding queue',
        );
        await deps.pauseQueue(waitMs);
        throw Worker.RateLimitError();
      }
      if (!error.retryable) {
        deps.metrics.jobs.inc({ queue, outcome: 'failed' });
        log.warn(
          { code: error.code, requestId: error.requestId, status: error.status },
          'failed job',
        );
        throw new UnrecoverableError(summary);
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      deps.metrics.jobs.inc({ queue, outcome: lastAttempt ? 'failed' : 'retried' });
      log.warn(
        { code: error.code, requestId: error.requestId, err: error },
        lastAttempt ? 'failed job' : 'will retry job',
      );
      throw new Error(summary, { cause: error });
    } finally {
      stopTimer();
    }
  };
}
