import { AppError, isAppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import type { LedgerNote } from '../feed/feed-store.ts';
import type { FeedWrites } from '../feed/feed-writes.ts';
import type { IntercomMatch, SyncRun, SyncSnapshot, SyncState } from './record-state.ts';
import type { RunContext } from './run-context.ts';

/** Longer than any run (three calls at the longest timeout); a re-run of the same job retakes it. */
const RECORD_LOCK_MS = 120_000;

/**
 * Takes the record's lock for this run of the job and reads its sync state, or defers the job
 * (no attempt used) while another job of the same record runs. The state comes with `lock`,
 * which unlock and finish take: a run of the same job that held the lock before is fenced
 * out (`resumed`), so its late writes to the state cannot land over this run's.
 */
export async function lockRecord<T>(
  state: SyncState<T>,
  crmId: string,
  job: Pick<RunContext, 'jobId' | 'lock'>,
  what: 'contact' | 'company',
): Promise<SyncSnapshot<T> & Omit<SyncRun<T>, 'snapshot'>> {
  const taken = await state.lockRun(crmId, job.jobId, RECORD_LOCK_MS, job.lock);
  if (!taken) {
    throw new AppError('RECORD_BUSY', `another job of this ${what} is running`);
  }
  return {
    ...taken.snapshot,
    lock: taken.lock,
    resumed: taken.resumed,
    unrecordedWrite: taken.unrecordedWrite,
  };
}

/** What a record write may know about the run it is part of, and the client it writes with. */
export type RecordRun = {
  /**
   * A run of this job before held the record and never finished (its worker died or was
   * cut off): its write may have reached Intercom, so look before writing again.
   */
  resumed: boolean;
  /**
   * A run (this job's or another's) began a write to Intercom whose outcome was never
   * recorded: it may have landed, whatever the known id and last synced data say, so look
   * before writing again. Unlike `resumed` and BullMQ's counters, this survives the runs in
   * between that were put on hold, deferred or cut short before they wrote anything.
   */
  unrecordedWrite: boolean;
  /** The client to write with: it marks the record before the run's first write. */
  intercom: IntercomClient;
  /** A contact an earlier run's create met (409) and had not yet looked at (SyncSnapshot). */
  match?: IntercomMatch | undefined;
  /** The feed's notes for this run's writes (queued: sent with or before each write). */
  feedWrites?: FeedWrites | undefined;
};

/**
 * The client for one run of a record's sync: before the run's first write the record is
 * marked (markWrite), so a write that reaches Intercom is never without a trace in Redis, even
 * when the run dies before it can record the outcome. It also tells whether any of the run's
 * writes can have taken effect, so that a run put on hold before it wrote anything can drop
 * its own mark and spare the next run a look.
 */
function markingWrites(
  client: IntercomClient,
  mark: () => Promise<void>,
  beforeLaterWrite: () => Promise<void>,
) {
  let marked = false;
  let tookEffect = false;
  const marking = client.withWriteGuard(async (send) => {
    if (!marked) {
      await mark();
      marked = true;
    } else {
      await beforeLaterWrite();
    }
    try {
      const result = await send();
      tookEffect = true;
      return result;
    } catch (error) {
      if (!cannotHaveTakenEffect(error)) tookEffect = true;
      throw error;
    }
  });
  return { client: marking, anyWriteMayHaveTakenEffect: () => tookEffect };
}

/**
 * A write that certainly changed nothing at Intercom: it was never sent (the error says so:
 * the run lost its job, the circuit is open, the rate budget or the auth hold held it back),
 * or Intercom refused it with a 4xx (a 408 excepted: it may have been applied). A timeout, a
 * 5xx, a dropped connection or a garbled 2xx may hide a write that landed.
 */
function cannotHaveTakenEffect(error: unknown): boolean {
  if (!isAppError(error)) return false;
  if (error.sentNothing) return true;
  return (
    error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 408
  );
}

/** What a sync job reports: the Intercom id, and what it did. */
export type SyncOutcome<Action extends string> = {
  intercomId: string | null;
  /** none: an earlier job already synced the latest data; unchanged: same data as last time. */
  action: Action | 'none' | 'unchanged';
};

/**
 * The frame every record sync shares: take the record's lock and its latest pending data;
 * nothing pending, or the same data (by `hashOf`) as last synced, makes no call (unless a
 * write's outcome went unrecorded: Intercom may then hold other data); otherwise `write`
 * brings Intercom to it, through a client that marks the record before the first write, and
 * the id and hash are stored and the pending data cleared (unless newer data arrived
 * meanwhile). The lock is released either way.
 */
export async function syncLatest<T, Action extends string>(
  record: {
    state: SyncState<T>;
    crmId: string;
    job: Pick<RunContext, 'jobId' | 'lock'>;
    what: 'contact' | 'company';
    intercom: IntercomClient;
    /** The change feed's write ledger: each write's note goes with the write mark, or alone. */
    feedWrites?: FeedWrites | undefined;
    /**
     * REDIS_ACK_REPLICAS: resolves once the replicas hold the write mark. A mark only the
     * primary held is gone after a failover, and the next run would write without looking.
     */
    confirmMark?: (() => Promise<void>) | undefined;
  },
  hashOf: (pending: T) => string,
  write: (
    pending: T,
    knownId: string | undefined,
    run: RecordRun,
  ) => Promise<{ intercomId: string | null; action: Action }>,
): Promise<SyncOutcome<Action>> {
  const { state, crmId, job, what } = record;
  const { pending, pendingSeq, intercomId, syncedHash, match, lock, resumed, unrecordedWrite } =
    await lockRecord(state, crmId, job, what);
  if (!pending || !pendingSeq) {
    await state.unlock(crmId, lock);
    return { intercomId: intercomId ?? null, action: 'none' };
  }
  const hash = hashOf(pending);
  if (intercomId && syncedHash === hash && !unrecordedWrite) {
    await state.finish(crmId, lock, pendingSeq);
    return { intercomId, action: 'unchanged' };
  }
  // The feed's notes of the run's writes (see the glossary: write ledger): the first write's
  // travel with the write mark, in one step; a later write's are sent just before it.
  const feedNotes: LedgerNote[] = [];
  const writes = markingWrites(
    record.intercom,
    async () => {
      if (!(await state.markWrite(crmId, lock, feedNotes.splice(0)))) {
        // The record is no longer this run's (its lock expired or another run took it over):
        // whoever has it now writes; this run makes no write it could not account for.
        throw new AppError('RECORD_BUSY', `this run of the ${what}'s job lost its record`);
      }
      await record.confirmMark?.();
    },
    async () => {
      if (feedNotes.length > 0) await record.feedWrites?.send(feedNotes.splice(0));
    },
  );
  let result: { intercomId: string | null; action: Action };
  try {
    result = await write(pending, intercomId, {
      resumed,
      unrecordedWrite,
      intercom: writes.client,
      match,
      feedWrites: record.feedWrites?.queued((note) => feedNotes.push(note)),
    });
  } catch (error) {
    await state.unlock(crmId, lock, { noWriteTookEffect: !writes.anyWriteMayHaveTakenEffect() });
    throw error;
  }
  if ((await state.finish(crmId, lock, pendingSeq, result.intercomId ?? '', hash)) === -1) {
    // Another run took the record over meanwhile (this one was cut off past its job lock):
    // what it stores wins; this run reports nothing it could not record.
    throw new AppError('RECORD_BUSY', `this run of the ${what}'s job was taken over`);
  }
  return result;
}
