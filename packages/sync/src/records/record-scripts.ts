import type { Cluster, Redis } from 'ioredis';
import { NOTE_WRITE_FUNCTION } from '../feed/feed-scripts.ts';

// The record's scripts (each one step in Redis, so no other run's step falls in between).
// Its fields: see record-state.ts.

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
 * KEYS: record hash, lock, then the key of each change-feed ledger note. ARGV: lock value,
 * then per note its mode, ttl ms and written entries. Before a run's first write to Intercom:
 * marks the record as written without a record of the outcome yet (a mark left by an earlier
 * run stays: its write is still unrecorded), and notes the write in the change feed's ledger
 * (feed/feed-scripts.ts: NOTE_WRITE_FUNCTION) in the same step. 0, no mark and no note, when
 * the lock is no longer this run's.
 */
const MARK_WRITE = `${NOTE_WRITE_FUNCTION}
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSETNX', KEYS[1], 'writing', ARGV[1])
for i = 3, #KEYS do
  local at = 2 + (i - 3) * 3
  noteWrite(KEYS[i], ARGV[at], ARGV[at + 1], ARGV[at + 2])
end
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

export type RecordScripts = {
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
  /** Keys counted: 2 + the notes'. */
  relaySyncMarkWrite(numberOfKeys: number, ...keysAndArgs: (string | Buffer)[]): Promise<number>;
  relaySyncRelease(key: string, lock: string, value: string, dropMark: string): Promise<number>;
};

/** The scripts on this connection, defined once per connection. */
export function recordScripts(redis: Redis | Cluster): RecordScripts {
  const scripts = redis as unknown as Partial<RecordScripts>;
  if (!scripts.relaySyncFinish) {
    redis.defineCommand('relaySyncFinish', { numberOfKeys: 2, lua: FINISH });
    redis.defineCommand('relaySyncLockAndRead', { numberOfKeys: 3, lua: LOCK_AND_READ });
    redis.defineCommand('relaySyncUnlock', { numberOfKeys: 1, lua: UNLOCK });
    redis.defineCommand('relaySyncMarkWrite', { lua: MARK_WRITE });
    redis.defineCommand('relaySyncRelease', { numberOfKeys: 2, lua: RELEASE });
  }
  return scripts as RecordScripts;
}
