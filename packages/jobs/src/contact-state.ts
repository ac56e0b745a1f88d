import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
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

/** ARGV: seq, intercom id ('' keeps it), synced hash ('' keeps it). */
const FINISH = `
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'intercom_id', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'synced_hash', ARGV[3]) end
if redis.call('HGET', KEYS[1], 'pending_seq') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'pending', 'pending_seq')
  return 1
end
return 0
`;

/** Taken when free, or again by its owner (a job re-run after its worker died). */
const LOCK = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
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
  relayContactFinish(key: string, seq: string, id: string, hash: string): Promise<number>;
  relayContactLock(key: string, owner: string, ttlMs: number): Promise<number>;
  relayContactUnlock(key: string, owner: string): Promise<number>;
};

export function contactKeyHash(externalId: string): string {
  return createHash('sha256').update(externalId).digest('hex');
}

export function createContactState(redis: Redis, prefix: string) {
  const scripts = redis as unknown as Partial<ContactScripts>;
  if (!scripts.relayContactStorePending) {
    redis.defineCommand('relayContactStorePending', { numberOfKeys: 1, lua: STORE_PENDING });
    redis.defineCommand('relayContactFinish', { numberOfKeys: 1, lua: FINISH });
    redis.defineCommand('relayContactLock', { numberOfKeys: 1, lua: LOCK });
    redis.defineCommand('relayContactUnlock', { numberOfKeys: 1, lua: UNLOCK });
  }
  const run = scripts as ContactScripts;
  const key = (externalId: string) => `${prefix}:contact:${contactKeyHash(externalId)}`;
  const lockKey = (externalId: string) => `${prefix}:contact-lock:${contactKeyHash(externalId)}`;

  return {
    key,

    /** Records the latest data for a contact; returns its sequence number. */
    storePending: (contact: ContactInput): Promise<number> =>
      run.relayContactStorePending(key(contact.external_id), JSON.stringify(contact)),

    async read(externalId: string): Promise<ContactSnapshot> {
      const [pending, pendingSeq, intercomId, syncedHash] = await redis.hmget(
        key(externalId),
        'pending',
        'pending_seq',
        'intercom_id',
        'synced_hash',
      );
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
     * After a sync of the pending data numbered `seq`: store the id and hash, and clear the
     * pending data unless newer data arrived meanwhile (its job will sync it).
     */
    finish: (externalId: string, seq: string, intercomId = '', syncedHash = '') =>
      run.relayContactFinish(key(externalId), seq, intercomId, syncedHash),

    /** Only one job per contact runs at a time, across lanes and processes. */
    async lock(externalId: string, owner: string, ttlMs: number): Promise<boolean> {
      return (await run.relayContactLock(lockKey(externalId), owner, ttlMs)) === 1;
    },
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
