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
