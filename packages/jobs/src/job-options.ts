import type { JobsOptions } from 'bullmq';

const HOUR_S = 3_600;

/**
 * Retries: 5xx and timeouts back off exponentially with full jitter (1 s, 2 s, 4 s … each
 * drawn uniformly from [0, delay]), so a fleet of workers does not retry in lockstep.
 * 429s do not use these attempts (they rate-limit the queue instead).
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000, jitter: 1 },
  // Completed jobs are kept 24 h: a job id dedupes redeliveries only while the job exists,
  // and Intercom redelivers a failed notification after 1 minute.
  removeOnComplete: { age: 24 * HOUR_S, count: 200_000 },
  // Failed jobs are the dead letters: kept a week for triage and replay.
  removeOnFail: { age: 7 * 24 * HOUR_S, count: 100_000 },
} satisfies JobsOptions;
