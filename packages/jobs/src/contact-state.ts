import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { ContactInput } from './schemas/contact.ts';

/**
 * What the relay keeps per contact, in one Redis hash keyed by a hash of the external_id
 * (CRM ids are often emails; none reaches a key name):
 * - pending, pending_seq: the latest data the CRM sent that is not yet in Intercom. Jobs carry
 *   only the external_id and sync whatever is pending when they run, so five updates queued
 *   behind each other become one call with the latest data.
 * - seq: orders the pushes, so a job clears `pending` only if nothing newer arrived meanwhile.
 * - intercom_id: the external_id → Intercom id map; an update is one call, no search.
 * - synced_hash: hash of the last payload Intercom accepted; the same payload again makes no call.
 * One hash per contact also makes erasure one DEL.
 */
const STORE_PENDING = `
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'pending', ARGV[1], 'pending_seq', seq)
return seq
`;

/**
 * KEYS: contact hash, lock. ARGV: seq, intercom id ('' keeps it), synced hash ('' keeps it),
 * lock owner. Also releases the lock when the owner holds it.
 */
const FINISH = `
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'intercom_id', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'synced_hash', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('DEL', KEYS[2]) end
if redis.call('HGET', KEYS[1], 'pending_seq') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'pending', 'pending_seq')
  return 1
end
return 0
`;

/**
 * KEYS: contact hash, lock. ARGV: owner, ttl ms. The lock is taken when free, or again by its
 * owner (a job re-run after its worker died); then the state is read in the same step.
 * Returns false when another job holds the lock.
 */
const LOCK_AND_READ = `
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return false end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return redis.call('HMGET', KEYS[1], 'pending', 'pending_seq', 'intercom_id', 'synced_hash')
`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export type ContactSnapshot = {
  pending?: ContactInput;
  pendingSeq?: string;
  intercomId?: string;
  syncedHash?: string;
};

type ContactScripts = {
  relayContactStorePending(key: string, pending: string): Promise<number>;
  relayContactFinish(
    key: string,
    lock: string,
    seq: string,
    id: string,
    hash: string,
    owner: string,
  ): Promise<number>;
  relayContactLockAndRead(
    key: string,
    lock: string,
    owner: string,
    ttlMs: number,
  ): Promise<(string | null)[] | null>;
  relayContactUnlock(lock: string, owner: string): Promise<number>;
};

const RECENT_KEYS = 10_000;

export function contactKeyHash(externalId: string): string {
  return createHash('sha256').update(externalId).digest('hex');
}

export function createContactState(redis: Redis | Cluster, prefix: string) {
  const scripts = redis as unknown as Partial<ContactScripts>;
  if (!scripts.relayContactStorePending) {
    redis.defineCommand('relayContactStorePending', { numberOfKeys: 1, lua: STORE_PENDING });
    redis.defineCommand('relayContactFinish', { numberOfKeys: 2, lua: FINISH });
    redis.defineCommand('relayContactLockAndRead', { numberOfKeys: 2, lua: LOCK_AND_READ });
    redis.defineCommand('relayContactUnlock', { numberOfKeys: 1, lua: UNLOCK });
  }
  const run = scripts as ContactScripts;
  const key = (externalId: string) => `${prefix}:contact:${contactKeyHash(externalId)}`;
  // A job asks for both keys of its contact several times, interleaved with other jobs:
  // the keys of recent contacts are kept rather than hashed again.
  const recentKeys = new Map<string, { key: string; lockKey: string }>();
  const keys = (externalId: string) => {
    let entry = recentKeys.get(externalId);
    if (!entry) {
      const hash = contactKeyHash(externalId);
      entry = { key: `${prefix}:contact:${hash}`, lockKey: `${prefix}:contact-lock:${hash}` };
      if (recentKeys.size >= RECENT_KEYS) recentKeys.clear();
      recentKeys.set(externalId, entry);
    }
    return entry;
  };
  const lockKey = (externalId: string) => keys(externalId).lockKey;

  return {
    key,

    /** Records the latest data for a contact; returns its sequence number. */
    storePending: (contact: ContactInput): Promise<number> =>
      run.relayContactStorePending(key(contact.external_id), JSON.stringify(contact)),

    /**
     * Takes the contact's lock for `owner` (only one job per contact runs at a time, across
     * lanes and processes) and reads its state; undefined when another job holds the lock.
     */
    async lockAndRead(
      externalId: string,
      owner: string,
      ttlMs: number,
    ): Promise<ContactSnapshot | undefined> {
      const { key: contactKey, lockKey: contactLock } = keys(externalId);
      const fields = await run.relayContactLockAndRead(contactKey, contactLock, owner, ttlMs);
      if (!fields) return undefined;
      const [pending, pendingSeq, intercomId, syncedHash] = fields;
      const snapshot: ContactSnapshot = {};
      if (pending) snapshot.pending = JSON.parse(pending) as ContactInput;
      if (pendingSeq) snapshot.pendingSeq = pendingSeq;
      if (intercomId) snapshot.intercomId = intercomId;
      if (syncedHash) snapshot.syncedHash = syncedHash;
      return snapshot;
    },

    /** Remembers the Intercom id as soon as it is known, so a retry goes straight to update. */
    rememberId: async (externalId: string, intercomId: string) => {
      await redis.hset(key(externalId), 'intercom_id', intercomId);
    },

    /** The contact is gone at Intercom: forget its id and what was synced. */
    forgetId: async (externalId: string) => {
      await redis.hdel(key(externalId), 'intercom_id', 'synced_hash');
    },

    /**
     * After a sync of the pending data numbered `seq`: store the id and hash, clear the
     * pending data unless newer data arrived meanwhile (its job will sync it), and release
     * `owner`'s lock.
     */
    finish: (externalId: string, owner: string, seq: string, intercomId = '', syncedHash = '') =>
      run.relayContactFinish(
        key(externalId),
        lockKey(externalId),
        seq,
        intercomId,
        syncedHash,
        owner,
      ),

    unlock: (externalId: string, owner: string) =>
      run.relayContactUnlock(lockKey(externalId), owner),
  };
}

export type ContactState = ReturnType<typeof createContactState>;

/** Same contact data, same hash: key order does not matter. */
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
