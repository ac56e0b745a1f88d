import type { Cluster, Redis } from 'ioredis';

/**
 * Staging (the dispatcher): the changes after a cursor, up to a count, into their slots, in
 * one step. KEYS: the due set, the change log, the dispatcher's cursor, its lease.
 * ARGV: the lease's token, the cursor to stage after, how many at most, now (ms), the cursor
 * up to which a replay stages again ('' for none: a version already delivered is then sent
 * again), the slots' key prefix. Read here, in Redis, so no change's JSON crosses to Node
 * twice (the fast path reads it when it sends). Slot keys are made here: they share the
 * prefix's hash tag with the declared keys (one Redis Cluster slot).
 * A change's record and version are the log entry's `k` and `v` (ChangeEntry; parsed from the
 * change for an entry logged without them): a contact or company by its Intercom id; anything
 * else (a conversation notification) is a record of its own. A change older than the one
 * delivered is dropped (never sent after a newer one), and so is one older than the one
 * waiting. Otherwise it becomes the record's undelivered change (`p`, `pv`). Taking a waiting
 * one's place, it is merged: its `changed` joins the waiting one's, and a waiting create stays
 * a create (`ty`, `ch`, `m`; only then is a change parsed). A slot no delivery job owns becomes
 * due now (unless it is due or leased already: its score stays). The cursor moves to the last
 * change read, while the lease is the token's and no one moved the cursor meanwhile (a
 * replay). Answers {read, last cursor}.
 */
const STAGE = `
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return {0, ''} end
local entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[2], '+', 'COUNT', tonumber(ARGV[3]))
local now, slotPrefix = ARGV[4], ARGV[6]
local function before(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  if #am ~= #bm then return #am < #bm end
  if am ~= bm then return am < bm end
  return tonumber(as) <= tonumber(bs)
end
local function parsed(json)
  local ok, change = pcall(cjson.decode, json or '')
  if ok and type(change) == 'table' and type(change.data) == 'table' then return change end
  return nil
end
local function logged(cursor)
  local entry = redis.call('XRANGE', KEYS[2], cursor, cursor)[1]
  if not entry then return nil end
  for i = 1, #entry[2], 2 do if entry[2][i] == 'c' then return parsed(entry[2][i + 1]) end end
  return nil
end
for _, entry in ipairs(entries) do
  local cursor, fields = entry[1], entry[2]
  local json, record, versionText
  for i = 1, #fields, 2 do
    local name = fields[i]
    if name == 'c' then json = fields[i + 1]
    elseif name == 'k' then record = fields[i + 1]
    elseif name == 'v' then versionText = fields[i + 1] end
  end
  local change
  if record == nil then
    change = parsed(json)
    if change then
      local data = change.data
      record, versionText = '', ''
      if (data.object == 'contact' or data.object == 'company') and type(data.intercom_id) == 'string' then
        record = data.object .. '.' .. data.intercom_id
      end
      if type(data.version) == 'number' then versionText = string.format('%d', data.version) end
    end
  end
  if record ~= nil then
    if record == '' then record = 'change.' .. cursor end
    local slot = slotPrefix .. record
    local version = tonumber(versionText or '')
    local replaying = ARGV[5] ~= '' and before(cursor, ARGV[5])
    local state = redis.call('HMGET', slot, 'dv', 'p', 'pv', 'ch', 'ty', 'j', 'seq')
    local delivered, waiting = tonumber(state[1] or ''), state[2]
    local waitingVersion = tonumber(state[3] or '')
    local skip = version and delivered and (version < delivered or (version == delivered and not replaying))
    skip = skip or waiting == cursor or (waiting and version and waitingVersion and version < waitingVersion)
    if not skip and waiting then
      change = change or parsed(json)
      local kind, changed, seen = change and change.type or '', {}, {}
      local function add(list)
        if type(list) ~= 'table' then return end
        for _, field in ipairs(list) do
          if not seen[field] then seen[field] = true; table.insert(changed, field) end
        end
      end
      local waitingType, waitingChanged = state[5], nil
      if waitingType then
        if state[4] and state[4] ~= '' then waitingChanged = cjson.decode(state[4]) end
      else
        local previous = logged(waiting)
        waitingType = previous and previous.type or ''
        waitingChanged = previous and previous.data.changed
      end
      add(waitingChanged)
      if string.sub(waitingType, -8) == '.created' and string.sub(kind, -8) == '.updated' then
        kind = waitingType
      end
      add(change and change.data.changed)
      redis.call('HSET', slot, 'p', cursor, 'pv', versionText or '', 'ty', kind,
        'ch', #changed > 0 and cjson.encode(changed) or '', 'm', '1')
    elseif not skip then
      redis.call('HSET', slot, 'p', cursor, 'pv', versionText or '')
      -- a delivered slot expires with the log; now it waits again
      if state[1] or state[6] or state[7] then redis.call('PERSIST', slot) end
    end
    if not skip and (state[6] or '') == '' then
      -- a dead letter's slot (held, no job) is due again: counted in the due set now
      if redis.call('ZADD', KEYS[1], 'NX', now, slot) == 1 and waiting then
        redis.call('SREM', KEYS[1] .. ':held', slot)
      end
    end
  end
end
if #entries == 0 then return {0, ARGV[2]} end
local last = entries[#entries][1]
if (redis.call('GET', KEYS[3]) or '') == ARGV[2] then redis.call('SET', KEYS[3], last) end
return {#entries, last}
`;

/**
 * The fast path's claim: up to ARGV[3] slots due by ARGV[1] (ms), each leased until now +
 * ARGV[2] ms (its score: no other process takes it meanwhile), with its waiting change's log
 * entry. KEYS: the due set, the change log. A slot a delivery job owns, or with nothing
 * waiting, leaves the due set. Answers, flat (one array: fewer replies to decode), per slot:
 * slot, cursor, version, type, changed, the change's JSON ('' when it left the log).
 */
const CLAIM = `
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for _, slot in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))) do
  local state = redis.call('HMGET', slot, 'p', 'pv', 'ty', 'ch', 'j', 'm')
  if not state[1] or (state[5] and state[5] ~= '') then
    redis.call('ZREM', KEYS[1], slot)
  else
    redis.call('ZADD', KEYS[1], now + lease, slot)
    local entry = redis.call('XRANGE', KEYS[2], state[1], state[1])[1]
    local json = ''
    if entry then
      for i = 1, #entry[2], 2 do if entry[2][i] == 'c' then json = entry[2][i + 1] end end
    end
    -- type and changed only for a merged change: the others go as the log has them
    local merged = state[6] == '1'
    for _, value in ipairs({ slot, state[1], state[2] or '', merged and (state[3] or '') or '',
      merged and (state[4] or '') or '', json }) do table.insert(out, value) end
  end
end
return out
`;

/**
 * What deliveries did, many in one call. KEYS: the due set. ARGV: now (ms), a delivered slot's
 * expiry (ms), and the deliveries in one string (one argument, not four per delivery: each
 * argument costs the client), a line each of tab-separated slot, cursor, version ('' for
 * none) and outcome — 'ok' (a 2xx,
 * or gone from the log), 'handover' (it failed: a delivery job takes the slot over, with its
 * retries), 'release' (not sent: due again now).
 * 'ok': the delivered version is kept (nothing older is sent after it); when a newer change
 * came meanwhile the slot is due again now, else it is done (it expires with the log).
 * Answers the handed-over slots with their job numbers: {slot, job, …}.
 */
const ACK = `
local now, expire = ARGV[1], ARGV[2]
local handed = {}
for line in string.gmatch(ARGV[3], '[^\\n]+') do
  local slot, cursor, versionText, outcome = string.match(line, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)$')
  if outcome == 'ok' then
    local version = tonumber(versionText)
    local state = redis.call('HMGET', slot, 'dv', 'p')
    local delivered, waiting = tonumber(state[1] or ''), state[2]
    local newer = version and (not delivered or version > delivered)
    if waiting and waiting ~= cursor then
      if newer then redis.call('HSET', slot, 'dv', versionText) end
      redis.call('ZADD', KEYS[1], now, slot)
    else
      if newer then redis.call('HSET', slot, 'dv', versionText) end
      redis.call('HDEL', slot, 'p', 'pv', 'ty', 'ch', 'm')
      redis.call('ZREM', KEYS[1], slot)
      redis.call('PEXPIRE', slot, expire)
    end
  elseif outcome == 'handover' then
    redis.call('ZREM', KEYS[1], slot)
    local job = tostring(redis.call('HINCRBY', slot, 'seq', 1))
    redis.call('HSET', slot, 'j', job)
    redis.call('SADD', KEYS[1] .. ':held', slot)
    table.insert(handed, slot)
    table.insert(handed, job)
  else
    redis.call('ZADD', KEYS[1], now, slot)
  end
end
return handed
`;

/**
 * A delivery job's run (the slow path: retries). KEYS: the slot, the due set. ARGV: the cursor
 * delivered, its version ('' for none), the slot's expiry in ms once nothing waits.
 * Like ACK's 'ok', for the job that owns the slot: 'again' when a newer change came meanwhile
 * (the job delivers it next), else 'done' (the job ends, and its ownership with it).
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
redis.call('HDEL', slot, 'p', 'pv', 'ty', 'ch', 'm', 'j')
redis.call('SREM', KEYS[2] .. ':held', slot)
redis.call('ZREM', KEYS[2], slot)
redis.call('PEXPIRE', slot, ARGV[3])
return 'done'
`;

/**
 * KEYS: the slot, the due set. ARGV: a delivery job's number, now (ms). For a job that is not
 * the slot's own (a dead letter replayed): it takes the slot over when no job owns it, the
 * fast path has not leased it and a change waits ('adopted'), else 'owned' (someone else
 * delivers it) or 'nothing' (nothing waits).
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
local leased = tonumber(redis.call('ZSCORE', KEYS[2], KEYS[1]) or '')
if leased and leased > tonumber(ARGV[3]) then return 'owned' end
redis.call('ZREM', KEYS[2], KEYS[1])
redis.call('HSET', KEYS[1], 'j', ARGV[1])
redis.call('SADD', KEYS[2] .. ':held', KEYS[1])
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

export type PushScripts = {
  relayPushStage(
    due: string,
    log: string,
    cursor: string,
    lease: string,
    token: string,
    after: string,
    count: string,
    now: string,
    replayUntil: string,
    slotPrefix: string,
  ): Promise<[number, string]>;
  relayPushClaim(
    due: string,
    log: string,
    now: string,
    leaseMs: string,
    count: string,
  ): Promise<string[]>;
  relayPushAck(due: string, now: string, expireMs: string, deliveries: string): Promise<string[]>;
  relayPushDelivered(
    slot: string,
    due: string,
    cursor: string,
    version: string,
    expireMs: string,
  ): Promise<'done' | 'again'>;
  relayPushOwn(
    slot: string,
    due: string,
    job: string,
    mode: string,
    now: string,
  ): Promise<'own' | 'adopted' | 'owned' | 'nothing' | 'released'>;
  relayPushRenew(lock: string, token: string, ms: string): Promise<number>;
  relayPushRelease(lock: string, token: string): Promise<number>;
};

export function pushScripts(redis: Redis | Cluster): PushScripts {
  const scripts = redis as unknown as Partial<PushScripts>;
  if (!scripts.relayPushStage) {
    redis.defineCommand('relayPushStage', { numberOfKeys: 4, lua: STAGE });
    redis.defineCommand('relayPushClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('relayPushAck', { numberOfKeys: 1, lua: ACK });
    redis.defineCommand('relayPushDelivered', { numberOfKeys: 2, lua: DELIVERED });
    redis.defineCommand('relayPushOwn', { numberOfKeys: 2, lua: OWN });
    redis.defineCommand('relayPushRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('relayPushRelease', { numberOfKeys: 1, lua: RELEASE });
  }
  return scripts as PushScripts;
}
