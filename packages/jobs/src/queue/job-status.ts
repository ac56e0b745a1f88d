import { LANES, type Lane } from '../queues.ts';
import type { StoreGuard } from '../redis/store-guard.ts';
import type { LaneQueues } from './lane-queues.ts';

/**
 * What became of a job, in whichever lane holds it: state, attempts, and the result
 * (Intercom id, action) or the last error (code, message, request_id). Never the job's data:
 * it holds the contact's personal data. Undefined when no lane has the id.
 */
export function createJobStatus(queues: LaneQueues, store: StoreGuard) {
  return async function jobStatus(jobId: string): Promise<JobStatus | undefined> {
    try {
      for (const lane of LANES) {
        // State first: a job read before the state could finish in between and be reported
        // completed without the result it finished with.
        const state = await store.withDeadline(queues.get(lane).getJobState(jobId));
        if (state === 'unknown') continue;
        const job = await store.withDeadline(queues.get(lane).getJob(jobId));
        if (!job) continue;
        return {
          id: jobId,
          lane,
          name: job.name,
          state,
          attempts: job.attemptsMade,
          createdAt: new Date(job.timestamp).toISOString(),
          ...(job.processedOn ? { startedAt: new Date(job.processedOn).toISOString() } : {}),
          ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
          ...(state === 'completed' ? { result: job.returnvalue ?? null } : {}),
          ...(job.failedReason ? { error: parseFailedReason(job.failedReason) } : {}),
        };
      }
      return undefined;
    } catch (cause) {
      throw store.failure(cause);
    }
  };
}

export type JobStatus = {
  id: string;
  lane: Lane;
  name: string;
  /** waiting, active, delayed, prioritized, completed, failed (dead letter) … */
  state: string;
  attempts: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  /** The last error: a failed job's cause, or a retrying job's latest one. */
  error?: {
    code: string;
    message: string;
    retryable?: boolean;
    requestId?: string;
    status?: number;
  };
};

/** Workers store errors as AppError JSON; anything else (BullMQ's own reasons) as a message. */
export function parseFailedReason(reason: string): NonNullable<JobStatus['error']> {
  try {
    const parsed = JSON.parse(reason) as NonNullable<JobStatus['error']>;
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string') return parsed;
  } catch {}
  return { code: 'INTERNAL', message: reason };
}
