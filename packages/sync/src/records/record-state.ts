import { randomUUID } from 'node:crypto';
import {
  type CompanyInput,
  type ContactInput,
  createRecordKeys,
  type RecordKind,
} from '@relay/jobs';
import { createPendingStore } from '@relay/jobs/redis';
import type { Cluster, Redis } from 'ioredis';
import type { LedgerNote } from '../feed/feed-store.ts';
import { recordScripts } from './record-scripts.ts';

/**
 * What the relay keeps per synced record (a contact, a company), in one Redis hash keyed by a
 * hash of the CRM's id for it (CRM ids are often emails; none reaches a key name):
 * - pending, pending_seq: the latest data the CRM sent that is not yet in Intercom. Jobs sync
 *   whatever is pending when they run, so five updates queued behind each other become one
 *   call with the latest data.
 * - seq: orders the pushes, so a job clears `pending` only if nothing newer arrived meanwhile.
 * - intercom_id: the CRM id → Intercom id map; an update is one call, no search.
 * - match: the contact an Intercom 409 named for a contact's create (JSON: id, archived), kept
 *   until the run has looked at whose it is (Intercom also matches by email: it may be another
 *   record's). A run put on hold before it could look resumes with the look, not another create.
 * - synced_hash: hash of the last payload Intercom accepted; the same payload again makes no call.
 * - writing: set (to the run's lock value) just before a run's first write to Intercom, and
 *   cleared only when that write's outcome is recorded (finish) or the run knows none of its
 *   writes took effect. While it is set, a write may have reached Intercom without a record
 *   of it here (the run was killed, cut off or put on hold after it), so intercom_id and
 *   synced_hash may be behind Intercom: the next run looks before it writes. It has no TTL
 *   and no BullMQ counter behind it, so no hold, deferral or lock expiry in between loses it.
 * One hash per record also makes erasure one DEL.
 */
/** A job's own lock in Redis (BullMQ's): a run holds its job while `key` holds `token`. */
export type JobLock = { key: string; token: string };

export type SyncSnapshot<T> = {
  pending?: T;
  pendingSeq?: string;
  intercomId?: string;
  syncedHash?: string;
  /** The contact an Intercom 409 named, not yet known to be this record's (see `match`). */
  match?: IntercomMatch;
};

/** The contact an Intercom 409 said already holds a create's details. */
export type IntercomMatch = { id: string; archived: boolean };

/** A run's hold on a record: its state, and the lock value that finish and unlock take. */
export type SyncRun<T> = {
  snapshot: SyncSnapshot<T>;
  lock: string;
  /**
   * Another run of the same job held the lock and never finished: its writes may have
   * reached Intercom.
   */
  resumed: boolean;
  /**
   * A run (of this job or another) began writing to Intercom and its outcome was never
   * recorded: Intercom may hold more than `intercomId` and `syncedHash` say.
   */
  unrecordedWrite: boolean;
};

export function createContactState(redis: Redis | Cluster, prefix: string) {
  return createSyncState<ContactInput>(redis, prefix, 'contact');
}

export function createCompanyState(redis: Redis | Cluster, prefix: string) {
  return createSyncState<CompanyInput>(redis, prefix, 'company');
}

function createSyncState<T>(redis: Redis | Cluster, prefix: string, kind: RecordKind) {
  const run = recordScripts(redis);
  const key = (crmId: string) => keys(crmId).key;
  const keys = createRecordKeys(prefix, kind);
  const storePending = createPendingStore<T>(redis, prefix, kind);
  const lockKey = (crmId: string) => keys(crmId).lockKey;

  async function lockAs(crmId: string, owner: string, value: string, ttlMs: number, job?: JobLock) {
    const { key: recordKey, lockKey: recordLock } = keys(crmId);
    const fields = await run.relaySyncLockAndRead(
      recordKey,
      recordLock,
      job?.key ?? recordLock, // no job lock to check: any key of the record's slot will do
      owner,
      value,
      job?.token ?? '',
      ttlMs,
    );
    if (!fields) return undefined;
    const [resumed, pending, pendingSeq, intercomId, syncedHash, writing, match] = fields;
    const snapshot: SyncSnapshot<T> = {};
    if (pending) snapshot.pending = JSON.parse(pending) as T;
    if (pendingSeq) snapshot.pendingSeq = pendingSeq;
    if (intercomId) snapshot.intercomId = intercomId;
    if (syncedHash) snapshot.syncedHash = syncedHash;
    if (match) snapshot.match = JSON.parse(match) as IntercomMatch;
    return { snapshot, resumed: resumed === 1, unrecordedWrite: Boolean(writing) };
  }

  return {
    key,

    /** Records the latest data for a record (as the ingress does); returns its sequence number. */
    storePending,

    /**
     * Takes the record's lock for this run of job `owner` (only one job per record runs at a
     * time, across lanes and processes) and reads its state; undefined when another job holds
     * the lock, or when `job`'s lock shows this run no longer holds its job. A run of the same
     * job that held it is fenced out: its finish and unlock no longer apply. Pass the
     * returned `lock` to finish and unlock.
     */
    async lockRun(
      crmId: string,
      owner: string,
      ttlMs: number,
      job?: JobLock,
    ): Promise<SyncRun<T> | undefined> {
      const lock = `${owner} ${randomUUID()}`;
      try {
        const taken = await lockAs(crmId, owner, lock, ttlMs, job);
        return taken && { ...taken, lock };
      } catch (error) {
        // No answer does not mean not taken: the request may still run (a timeout, a resend
        // after a reconnect). Its release, sent after it on the same connection, runs after it.
        void run.relaySyncUnlock(lockKey(crmId), lock).catch(() => {});
        throw error;
      }
    },

    /** As lockRun, with `owner` itself as the lock value (one run per owner: no fencing). */
    async lockAndRead(
      crmId: string,
      owner: string,
      ttlMs: number,
    ): Promise<SyncSnapshot<T> | undefined> {
      return (await lockAs(crmId, owner, owner, ttlMs))?.snapshot;
    },

    /** The Intercom ids of the companies a contact was attached to by its last sync. */
    async attachedCompanies(crmId: string): Promise<string[]> {
      const value = await redis.hget(key(crmId), 'attached_companies');
      return value ? (JSON.parse(value) as string[]) : [];
    },
    async setAttachedCompanies(crmId: string, companyIds: readonly string[]): Promise<void> {
      await redis.hset(key(crmId), 'attached_companies', JSON.stringify(companyIds));
    },

    /** The Intercom id the record is known by, if any. */
    async intercomId(crmId: string): Promise<string | undefined> {
      return (await redis.hget(key(crmId), 'intercom_id')) ?? undefined;
    },

    /** Remembers the Intercom id as soon as it is known, so a retry goes straight to update. */
    rememberId: async (crmId: string, intercomId: string) => {
      await redis
        .multi()
        .hset(key(crmId), 'intercom_id', intercomId)
        .hdel(key(crmId), 'match')
        .exec();
    },

    /** Remembers the contact a 409 named until the run has looked at whose it is. */
    rememberMatch: async (crmId: string, match: IntercomMatch) => {
      await redis.hset(key(crmId), 'match', JSON.stringify(match));
    },

    /** The matched contact is another record's, or gone: the next push starts afresh. */
    forgetMatch: async (crmId: string) => {
      await redis.hdel(key(crmId), 'match');
    },

    /** Erasure: the record's state and lock, gone (its id map, hash and pending data). */
    purge: async (crmId: string) => {
      const { key: recordKey, lockKey: recordLock } = keys(crmId);
      await redis.del(recordKey, recordLock);
    },

    /** The record is gone at Intercom: forget its id and what was synced. */
    forgetId: async (crmId: string) => {
      await redis.hdel(key(crmId), 'intercom_id', 'synced_hash', 'match');
    },

    /**
     * After a sync of the pending data numbered `seq`, by the run holding `lock` (lockRun's,
     * or lockAndRead's owner): store the id and hash, clear the pending data unless newer
     * data arrived meanwhile (its job will sync it), and release the lock. -1 (nothing
     * written) when the lock is no longer this run's.
     */
    finish: (crmId: string, lock: string, seq: string, intercomId = '', syncedHash = '') =>
      run.relaySyncFinish(key(crmId), lockKey(crmId), seq, intercomId, syncedHash, lock),

    /**
     * Before the first write to Intercom of the run holding `lock` (lockRun's): marks the
     * record so that, until finish records the outcome, every later run knows a write may
     * have landed (see `unrecordedWrite`). False, and no mark, when the lock is no longer
     * this run's: it must not write. `feedNotes`: the change feed's notes of that write, made
     * in the same step.
     */
    markWrite: async (
      crmId: string,
      lock: string,
      feedNotes: readonly LedgerNote[] = [],
    ): Promise<boolean> =>
      (await run.relaySyncMarkWrite(
        2 + feedNotes.length,
        key(crmId),
        lockKey(crmId),
        ...feedNotes.map((note) => note.key),
        lock,
        ...feedNotes.flatMap((note) => [note.mode, note.ttlMs, note.written]),
      )) === 1,

    /**
     * Releases the lock if `lock` (as for finish) still holds it. A write mark stays, unless
     * `noWriteTookEffect` says that none of this run's writes can have reached Intercom and
     * the mark is this run's own.
     */
    unlock: (crmId: string, lock: string, { noWriteTookEffect = false } = {}) =>
      run.relaySyncRelease(key(crmId), lockKey(crmId), lock, noWriteTookEffect ? '1' : '0'),
  };
}

export type SyncState<T> = ReturnType<typeof createSyncState<T>>;
export type ContactState = SyncState<ContactInput>;
export type CompanyState = SyncState<CompanyInput>;
