import { AppError } from '@relay/errors';
import type { SyncRun, SyncSnapshot, SyncState } from '@relay/jobs';
import type { JobContext } from './job-context.ts';

/** Longer than any run (three calls at the longest timeout); a re-run of the same job retakes it. */
const RECORD_LOCK_MS = 120_000;
const BUSY_RETRY_MS = 250;

/**
 * Takes the record's lock for this run of the job and reads its sync state, or defers the job
 * (no attempt used) while another job of the same record runs. The state comes with `lock`,
 * which unlock and finish take: a run of the same job that held the lock before is fenced
 * out (`resumed`), so its late writes to the state cannot land over this run's.
 */
export async function lockRecord<T>(
  state: SyncState<T>,
  crmId: string,
  job: Pick<JobContext, 'jobId' | 'lock'>,
  what: 'contact' | 'company',
): Promise<SyncSnapshot<T> & Omit<SyncRun<T>, 'snapshot'>> {
  const taken = await state.lockRun(crmId, job.jobId, RECORD_LOCK_MS, job.lock);
  if (!taken) {
    throw new AppError('RECORD_BUSY', `another job of this ${what} is running`, {
      retryAfterMs: BUSY_RETRY_MS,
    });
  }
  return { ...taken.snapshot, lock: taken.lock, resumed: taken.resumed };
}

/** What a record write may know about the run it is part of. */
export type RecordRun = {
  /**
   * A run of this job before held the record and never finished (its worker died or was
   * cut off): its write may have reached Intercom, so look before writing again.
   */
  resumed: boolean;
};

/** What a sync job reports: the Intercom id, and what it did. */
export type SyncOutcome<Action extends string> = {
  intercomId: string | null;
  /** none: an earlier job already synced the latest data; unchanged: same data as last time. */
  action: Action | 'none' | 'unchanged';
};

/**
 * The frame every record sync shares: take the record's lock and its latest pending data;
 * nothing pending, or the same data (by `hashOf`) as last synced, makes no call; otherwise
 * `write` brings Intercom to it, and the id and hash are stored and the pending data cleared
 * (unless newer data arrived meanwhile). The lock is released either way.
 */
export async function syncLatest<T, Action extends string>(
  record: {
    state: SyncState<T>;
    crmId: string;
    job: Pick<JobContext, 'jobId' | 'lock'>;
    what: 'contact' | 'company';
  },
  hashOf: (pending: T) => string,
  write: (
    pending: T,
    knownId: string | undefined,
    run: RecordRun,
  ) => Promise<{ intercomId: string | null; action: Action }>,
): Promise<SyncOutcome<Action>> {
  const { state, crmId, job, what } = record;
  const { pending, pendingSeq, intercomId, syncedHash, lock, resumed } = await lockRecord(
    state,
    crmId,
    job,
    what,
  );
  if (!pending || !pendingSeq) {
    await state.unlock(crmId, lock);
    return { intercomId: intercomId ?? null, action: 'none' };
  }
  const hash = hashOf(pending);
  if (intercomId && syncedHash === hash) {
    await state.finish(crmId, lock, pendingSeq);
    return { intercomId, action: 'unchanged' };
  }
  let result: { intercomId: string | null; action: Action };
  try {
    result = await write(pending, intercomId, { resumed });
  } catch (error) {
    await state.unlock(crmId, lock);
    throw error;
  }
  if ((await state.finish(crmId, lock, pendingSeq, result.intercomId ?? '', hash)) === -1) {
    // Another run took the record over meanwhile (this one was cut off past its job lock):
    // what it stores wins; this run reports nothing it could not record.
    throw new AppError('RECORD_BUSY', `this run of the ${what}'s job was taken over`, {
      retryAfterMs: BUSY_RETRY_MS,
    });
  }
  return result;
}
