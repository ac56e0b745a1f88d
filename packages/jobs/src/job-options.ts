import type { JobsOptions } from 'bullmq';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Retries: 5xx and timeouts back off exponentially with full jitter (1 s, 2 s, 4 s … each
 * drawn uniformly from [0, delay]), so a fleet of workers does not retry in lockstep.
 * 429s do not use these attempts (they rate-limit the queue instead).
 *
 * No removeOnComplete / removeOnFail here: how long finished jobs are kept is the workers'
 * setting (JOB_KEEP_*, see JOB_RETENTION), applied by BullMQ when a job finishes. A job's own
 * option would win over the worker's, and would fix retention at enqueue time, in the ingress.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000, jitter: 1 },
} satisfies JobsOptions;

/** How long, and how many per queue, finished jobs of one state are kept. */
export type KeepRule = { ageMs: number; count: number };

/**
 * Retention of finished jobs (the workers' defaults for the JOB_KEEP_* settings).
 * - completed: a job id dedupes redeliveries only while the job exists, and Intercom
 *   redelivers a failed notification after 1 minute: kept 24 h, at most 200,000 per queue.
 * - failed: the dead letters, kept a week for triage and replay, at most 100,000 per queue.
 * - underPressure: from REDIS_FILLING_RATIO (80 %) of maxmemory the workers trim completed
 *   jobs down to the last 10 minutes and 1,000 per queue (still past Intercom's redelivery);
 *   from REDIS_FULL_RATIO (95 %), once no completed job is left to trim, dead letters older
 *   than 24 h go too (not the erasure lane's), each pass logged and counted. Waiting, active
 *   and delayed jobs: never.
 */
export const JOB_RETENTION = {
  completed: { ageMs: 24 * HOUR_MS, count: 200_000 },
  failed: { ageMs: 7 * 24 * HOUR_MS, count: 100_000 },
  underPressure: {
    completed: { ageMs: 10 * MINUTE_MS, count: 1_000 },
    failedAgeMs: 24 * HOUR_MS,
  },
} as const;

export type JobRetention = {
  completed: KeepRule;
  failed: KeepRule;
  underPressure: { completed: KeepRule; failedAgeMs: number };
};

/** A keep rule as BullMQ's removeOnComplete / removeOnFail take it (age in seconds). */
export function keepJobs(rule: KeepRule): { age: number; count: number } {
  return { age: Math.ceil(rule.ageMs / 1_000), count: rule.count };
}
