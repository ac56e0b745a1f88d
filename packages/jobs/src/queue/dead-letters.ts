import { ErrorCodes, isErrorCode } from '@relay/errors';
import type { Job } from 'bullmq';
import type { Lane } from '../queues.ts';
import { parseFailedReason } from './job-status.ts';

/** A failed job as operators see it: never its data, which holds personal data. */
export type DeadLetter = {
  id: string;
  lane: Lane;
  name: string;
  attempts: number;
  failedAt: string | null;
  error: { code: string; message: string; retryable: boolean; requestId?: string; status?: number };
};

/** A replayed job gets all its attempts again: it failed for a cause someone has since fixed. */
const REPLAY = { resetAttemptsMade: true, resetAttemptsStarted: true } as const;

/** True when the job moved back to waiting; false when it was no longer a failed job. */
export async function retryOne(job: Job): Promise<boolean> {
  try {
    await job.retry('failed', REPLAY);
    return true;
  } catch {
    return false;
  }
}

export function toDeadLetter(job: Job, lane: Lane): DeadLetter {
  const parsed = parseFailedReason(job.failedReason ?? '');
  const retryable =
    typeof parsed.retryable === 'boolean'
      ? parsed.retryable
      : isErrorCode(parsed.code) && ErrorCodes[parsed.code].retryable;
  return {
    id: job.id as string,
    lane,
    name: job.name,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    // Picked field by field: a failed reason is whatever the worker stored.
    error: {
      code: parsed.code,
      message: parsed.message,
      retryable,
      ...(typeof parsed.requestId === 'string' ? { requestId: parsed.requestId } : {}),
      ...(typeof parsed.status === 'number' ? { status: parsed.status } : {}),
    },
  };
}
