const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

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
