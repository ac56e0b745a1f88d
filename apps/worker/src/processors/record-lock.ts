import { AppError } from '@relay/errors';
import type { SyncSnapshot, SyncState } from '@relay/jobs';

/** Longer than any run (three calls at the longest timeout); a re-run of the same job retakes it. */
const RECORD_LOCK_MS = 120_000;
const BUSY_RETRY_MS = 250;

/**
 * Takes the record's lock for this job and reads its sync state, or defers the job (no
 * attempt used) while another job of the same record runs.
 */
export async function lockRecord<T>(
  state: SyncState<T>,
  crmId: string,
  owner: string,
  what: 'contact' | 'company',
): Promise<SyncSnapshot<T>> {
  const snapshot = await state.lockAndRead(crmId, owner, RECORD_LOCK_MS);
  if (!snapshot) {
    throw new AppError('RECORD_BUSY', `another job of this ${what} is running`, {
      retryAfterMs: BUSY_RETRY_MS,
    });
  }
  return snapshot;
}

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
  record: { state: SyncState<T>; crmId: string; owner: string; what: 'contact' | 'company' },
  hashOf: (pending: T) => string,
  write: (
    pending: T,
    knownId: string | undefined,
  ) => Promise<{ intercomId: string | null; action: Action }>,
): Promise<SyncOutcome<Action>> {
  const { state, crmId, owner, what } = record;
  const { pending, pendingSeq, intercomId, syncedHash } = await lockRecord(
    state,
    crmId,
    owner,
    what,
  );
  if (!pending || !pendingSeq) {
    await state.unlock(crmId, owner);
    return { intercomId: intercomId ?? null, action: 'none' };
  }
  const hash = hashOf(pending);
  if (intercomId && syncedHash === hash) {
    await state.finish(crmId, owner, pendingSeq);
    return { intercomId, action: 'unchanged' };
  }
  let result: { intercomId: string | null; action: Action };
  try {
    result = await write(pending, intercomId);
  } catch (error) {
    await state.unlock(crmId, owner);
    throw error;
  }
  await state.finish(crmId, owner, pendingSeq, result.intercomId ?? '', hash);
  return result;
}
