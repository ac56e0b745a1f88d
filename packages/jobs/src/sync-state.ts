import { createHash, randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { CompanyInput } from './schemas/company.ts';
import type { ContactInput } from './schemas/contact.ts';

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
const STORE_PENDING = `
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'pending', ARGV[1], 'pending_seq', seq)
return seq
`;

/**
 * KEYS: record hash, lock. ARGV: seq, intercom id ('' keeps it), synced hash ('' keeps it),
 * lock value. Only the run that holds the lock may finish: a run that lost it (its worker was
 * cut off from Redis past its job lock and another run took the job over; its finish arrives
 * late) writes nothing and gets -1, so it cannot put back an older hash or id over the newer
 * run's. The write mark goes: what the run wrote is recorded. Else 1 when the pending data was
 * cleared, 0 when newer data arrived meanwhile.
 */
const FINISH = `
if redis.call('GET', KEYS[2]) ~= ARGV[4] then return -1 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'intercom_id', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'synced_hash', ARGV[3]) end
redis.call('HDEL', KEYS[1], 'writing')
redis.call('DEL', KEYS[2])
if redis.call('HGET', KEYS[1], 'pending_seq') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'pending', 'pending_seq')
  return 1
end
return 0
`;

/**
 * KEYS: record hash, lock, the job's own (BullMQ) lock. ARGV: owner (the job), lock value (the
 * owner, or the owner, a space and a run id), the job lock's token ('' checks none), ttl ms.
 * The lock is taken when free, or from another run of the same job (a re-run after its worker
 * died or was cut off: that run is fenced out, see FINISH); then the state is read in the
 * same step. Only a run that still holds its job may take it: a request from a run that lost
 * its job, arriving late (its worker was cut off from Redis, then through again), would take
 * the record from the run that has the job, or hold it with nobody left to release it.
 * Returns false when it is not taken, else whether another run of this job held it, the
 * state, and the write mark (a write whose outcome was never recorded).
 */
const LOCK_AND_READ = `
local held = redis.call('GET', KEYS[2])
local resumed = 0
if held and held ~= ARGV[2] then
  if held ~= ARGV[1] and string.sub(held, 1, #ARGV[1] + 1) ~= ARGV[1] .. ' ' then return false end
  resumed = 1
end
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3] then return false end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'pending', 'pending_seq', 'intercom_id', 'synced_hash', 'writing', 'match')
return {resumed, state[1], state[2], state[3], state[4], state[5], state[6]}
`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS: record hash, lock. ARGV: lock value. Before a run's first write to Intercom: marks the
 * record as written without a record of the outcome yet (a mark left by an earlier run stays:
 * its write is still unrecorded). 0, and no mark, when the lock is no longer this run's.
 */
const MARK_WRITE = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSETNX', KEYS[1], 'writing', ARGV[1])
return 1
`;

/**
 * KEYS: record hash, lock. ARGV: lock value, '1' to drop the run's own write mark. Releases
 * the lock if the run still holds it; the mark goes only if this run set it and none of its
 * writes can have taken effect (each was refused before it was sent, or answered with a 4xx).
 */
const RELEASE = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[2] == '1' and redis.call('HGET', KEYS[1], 'writing') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'writing')
end
return redis.call('DEL', KEYS[2])
`;

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

type ContactScripts = {
  relaySyncStorePending(key: string, pending: string): Promise<number>;
  relaySyncFinish(
    key: string,
    lock: string,
    seq: string,
    id: string,
    hash: string,
    value: string,
  ): Promise<number>;
  relaySyncLockAndRead(
    key: string,
    lock: string,
    jobLock: string,
    owner: string,
    value: string,
    jobToken: string,
    ttlMs: number,
  ): Promise<[number, ...(string | null)[]] | null>;
  relaySyncUnlock(lock: string, value: string): Promise<number>;
  relaySyncMarkWrite(key: string, lock: string, value: string): Promise<number>;
  relaySyncRelease(key: string, lock: string, value: string, dropMark: string): Promise<number>;
};

const RECENT_KEYS = 10_000;

export function syncKeyHash(crmId: string): string {
  return createHash('sha256').update(crmId).digest('hex');
}

/** The kinds of record the relay syncs, and how each names itself in the CRM. */
const KINDS = {
  contact: (contact: ContactInput) => contact.external_id,
  company: (company: CompanyInput) => company.company_id,
};

export function createContactState(redis: Redis | Cluster, prefix: string) {
  return createSyncState(redis, prefix, 'contact', KINDS.contact);
}

export function createCompanyState(redis: Redis | Cluster, prefix: string) {
  return createSyncState(redis, prefix, 'company', KINDS.company);
}

function createSyncState<T>(
  redis: Redis | Cluster,
  prefix: string,
  kind: keyof typeof KINDS,
  crmIdOf: (item: T) => string,
) {
  const scripts = redis as unknown as Partial<ContactScripts>;
  if (!scripts.relaySyncStorePending) {
    redis.defineCommand('relaySyncStorePending', { numberOfKeys: 1, lua: STORE_PENDING });
    redis.defineCommand('relaySyncFinish', { numberOfKeys: 2, lua: FINISH });
    redis.defineCommand('relaySyncLockAndRead', { numberOfKeys: 3, lua: LOCK_AND_READ });
    redis.defineCommand('relaySyncUnlock', { numberOfKeys: 1, lua: UNLOCK });
  }
  if (!scripts.relaySyncMarkWrite) {
    redis.defineCommand('relaySyncMarkWrite', { numberOfKeys: 2, lua: MARK_WRITE });
    redis.defineCommand('relaySyncRelease', { numberOfKeys: 2, lua: RELEASE });
  }
  const run = scripts as ContactScripts;
  const key = (crmId: string) => keys(crmId).key;
  // A job asks for both keys of its record several times, interleaved with other jobs:
  // the keys of recent records are kept rather than hashed again.
  const recentKeys = new Map<string, { key: string; lockKey: string }>();
  const keys = (crmId: string) => {
    let entry = recentKeys.get(crmId);
    if (!entry) {
      const hash = syncKeyHash(crmId);
      entry = { key: `${prefix}:${kind}:${hash}`, lockKey: `${prefix}:${kind}-lock:${hash}` };
      if (recentKeys.size >= RECENT_KEYS) recentKeys.clear();
      recentKeys.set(crmId, entry);
    }
    return entry;
  };
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

    /** Records the latest data for a record; returns its sequence number. */
    storePending: (item: T): Promise<number> =>
      run.relaySyncStorePending(key(crmIdOf(item)), JSON.stringify(item)),

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
     * this run's: it must not write.
     */
    markWrite: async (crmId: string, lock: string): Promise<boolean> =>
      (await run.relaySyncMarkWrite(key(crmId), lockKey(crmId), lock)) === 1,

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

/** Same data, same hash: key order does not matter. */
export function payloadHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, entry]) => `${JSON.stringify(name)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
