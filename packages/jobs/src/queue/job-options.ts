import type { JobsOptions } from 'bullmq';
import type { KeepRule } from '../job-retention.ts';

/**
 * Retries: 5xx and timeouts back off exponentially with full jitter (1 s, 2 s, 4 s … each
 * drawn uniformly from [0, delay]), so a fleet of workers does not retry in lockstep.
 * 429s do not use these attempts (they rate-limit the queue instead).
 *
 * No removeOnComplete / removeOnFail here: how long finished jobs are kept is the workers'
 * setting (JOB_KEEP_*, see JOB_RETENTION in the contract), applied by BullMQ when a job finishes. A job's own
 * option would win over the worker's, and would fix retention at enqueue time, in the ingress.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000, jitter: 1 },
} satisfies JobsOptions;

/** A keep rule as BullMQ's removeOnComplete / removeOnFail take it (age in seconds). */
export function keepJobs(rule: KeepRule): { age: number; count: number } {
  return { age: Math.ceil(rule.ageMs / 1_000), count: rule.count };
}
