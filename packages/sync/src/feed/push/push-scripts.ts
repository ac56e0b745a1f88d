import type { Cluster, Redis } from 'ioredis';

/**
 * KEYS: the record's slot, the set of records with an undelivered change.
 * ARGV: the change's cursor, its version ('' for none: conversations, erasures), its type,
 * its `changed` as a JSON array ('' for none), '1' when replaying (a version already
 * delivered is sent again).
 * A change older than the one delivered is dropped (never sent after a newer one), and so is
 * one older than the one waiting. Otherwise it becomes the record's undelivered change: its
 * `changed` joins the waiting one's, and a waiting create stays a create. Answers
 * {staged 0/1, the delivery job's number, 1 when that job must be added}: a new job, or this
 * very change staged again (after a dispatcher crash, its job may never have been added).
 */
const STAGE = `
local slot = KEYS[1]
local delivered = tonumber(redis.call('HGET', slot, 'dv') or '')
local version = tonumber(ARGV[2])
if version and delivered and (version < delivered or (version == delivered and ARGV[5] ~= '1')) then
  return {0, '', 0}
end
local waiting = redis.call('HGET', slot, 'p')
local job = redis.call('HGET', slot, 'j')
if waiting == ARGV[1] then return {1, job or '', 1} end
local waitingVersion = tonumber(redis.call('HGET', slot, 'pv') or '')
if waiting and version and waitingVersion and version < waitingVersion then
  return {0, job or '', 0}
end
local changed, seen = {}, {}
local function add(list)
  for _, field in ipairs(cjson.decode(list)) do
    if not seen[field] then seen[field] = true; table.insert(changed, field) end
  end
end
local kind = ARGV[3]
if waiting then
  local before = redis.call('HGET', slot, 'ch')
  if before and before ~= '' then add(before) end
  local waitingType = redis.call('HGET', slot, 'ty') or ''
  if string.sub(waitingType, -8) == '.created' and string.sub(kind, -8) == '.updated' then
    kind = waitingType
  end
end
if ARGV[4] ~= '' then add(ARGV[4]) end
redis.call('HSET', slot, 'p', ARGV[1], 'pv', ARGV[2], 'ty', kind,
  'ch', #changed > 0 and cjson.encode(changed) or '')
redis.call('PERSIST', slot)
redis.call('SADD', KEYS[2], slot)
local added = 0
if not job or job == '' then
  job = tostring(redis.call('HINCRBY', slot, 'seq', 1))
  redis.call('HSET', slot, 'j', job)
  added = 1
end
return {1, job, added}
`;

/**
 * KEYS: the slot, the set of records with an undelivered change. ARGV: the cursor delivered,
 * its version ('' for none), the slot's expiry in ms once nothing waits.
 * The delivered version is kept (nothing older is sent after it). 'done' when nothing newer
 * waits (the slot's job ends; the slot expires with the log's retention), 'again' when a
 * newer change came meanwhile (the same job delivers it next).
 */
const DELIVERED = `
local slot = KEYS[1]
local version = tonumber(ARGV[2])
if version then
  local delivered = tonumber(redis.call('HGET', slot, 'dv') or '')
  if not delivered or version > delivered then redis.call('HSET', slot, 'dv', ARGV[2]) end
end
local waiting = redis.call('HGET', slot, 'p')
if waiting and waiting ~= ARGV[1] then return 'again' end
redis.call('HDEL', slot, 'p', 'pv', 'ty', 'ch', 'j')
redis.call('SREM', KEYS[2], slot)
redis.call('PEXPIRE', slot, ARGV[3])
return 'done'
`;

/**
 * KEYS: the slot. ARGV: a delivery job's number. For a job that is not the slot's own (a dead
 * letter replayed): it takes the slot over when no job owns it and a change waits ('adopted'),
 * else 'owned' (another job will deliver it) or 'nothing' (nothing waits).
 * With ARGV[2] = 'release': the slot's job gave up (its last attempt failed): the change keeps
 * waiting, for the next change's job or a replay.
 */
const OWN = `
local job = redis.call('HGET', KEYS[1], 'j') or ''
if ARGV[2] == 'release' then
  if job == ARGV[1] then redis.call('HDEL', KEYS[1], 'j') end
  return 'released'
end
if job == ARGV[1] then return 'own' end
if not redis.call('HGET', KEYS[1], 'p') then return 'nothing' end
if job ~= '' then return 'owned' end
redis.call('HSET', KEYS[1], 'j', ARGV[1])
return 'adopted'
`;

/** KEYS: a lock. ARGV: token, ms. Extends it while it is the token's: 1, else 0. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** KEYS: a lock. ARGV: token. Deletes it while it is the token's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS: the dispatcher's lease, its cursor. ARGV: token, cursor, the cursor it moves from ('':
 * any). Moves the cursor while the lease is the token's and no one moved it meanwhile (a replay).
 */
const ADVANCE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] ~= '' and (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

export type PushScripts = {
  relayPushStage(
    slot: string,
    pending: string,
    cursor: string,
    version: string,
    type: string,
    changed: string,
    replaying: string,
  ): Promise<[number, string, number]>;
  relayPushDelivered(
    slot: string,
    pending: string,
    cursor: string,
    version: string,
    expireMs: string,
  ): Promise<'done' | 'again'>;
  relayPushOwn(
    slot: string,
    job: string,
    mode: string,
  ): Promise<'own' | 'adopted' | 'owned' | 'nothing' | 'released'>;
  relayPushRenew(lock: string, token: string, ms: string): Promise<number>;
  relayPushRelease(lock: string, token: string): Promise<number>;
  relayPushAdvance(
    lease: string,
    cursor: string,
    token: string,
    at: string,
    from: string,
  ): Promise<number>;
};

export function pushScripts(redis: Redis | Cluster): PushScripts {
  const scripts = redis as unknown as Partial<PushScripts>;
  if (!scripts.relayPushStage) {
    redis.defineCommand('relayPushStage', { numberOfKeys: 2, lua: STAGE });
    redis.defineCommand('relayPushDelivered', { numberOfKeys: 2, lua: DELIVERED });
    redis.defineCommand('relayPushOwn', { numberOfKeys: 1, lua: OWN });
    redis.defineCommand('relayPushRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('relayPushRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('relayPushAdvance', { numberOfKeys: 2, lua: ADVANCE });
  }
  return scripts as PushScripts;
}
