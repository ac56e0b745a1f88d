import type { Cluster, Redis } from 'ioredis';

/**
 * KEYS: record hash, change log (stream), the log's trim mark, a create intent.
 * ARGV: the record's expected write count `n` ('' when it should not exist), ttl ms (0: none),
 * the change JSON ('' records none), the change's record refs, the retention in ms,
 * '1' when the caller took the intent into account (it goes), '0' when it saw none: if one
 * exists now, nothing is written and the answer is 'intent' (read it, then try again), the
 * change's record and version (ChangeEntry); then field/value pairs (an empty value deletes
 * the field).
 * One step: a record changed since it was read (another notification, a write of the relay)
 * is not overwritten: the answer is 'changed' and the record as it is (its fields and values),
 * so the caller decides again without another read, and no snapshot, version or ledger entry
 * is lost between two processes. A recorded change is appended to the log in the same step,
 * so the log's order is the order of versions; changes older than the retention go (by the
 * new id's time, Redis's clock), at most 100 at a time from the oldest, and the newest id that
 * went is kept as the trim mark (a cursor before it missed changes). Reading forward from the oldest costs the same however long
 * the log is (XREVRANGE from the threshold does not). Returns the change's stream id, or 'ok'.
 */
const COMMIT = `
local n = redis.call('HGET', KEYS[1], 'n')
if (n or '') ~= ARGV[1] then return { 'changed', unpack(redis.call('HGETALL', KEYS[1])) } end
if ARGV[6] == '0' and redis.call('EXISTS', KEYS[4]) == 1 then return 'intent' end
local set, unset = { 'n', tonumber(n or '0') + 1 }, {}
for i = 9, #ARGV, 2 do
  if ARGV[i + 1] == '' then table.insert(unset, ARGV[i])
  else table.insert(set, ARGV[i]); table.insert(set, ARGV[i + 1]) end
end
redis.call('HSET', KEYS[1], unpack(set))
if #unset > 0 then redis.call('HDEL', KEYS[1], unpack(unset)) end
if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if ARGV[6] == '1' then redis.call('DEL', KEYS[4]) end
if ARGV[3] == '' then return 'ok' end
local id = redis.call('XADD', KEYS[2], '*', 'c', ARGV[3], 'r', ARGV[4], 'k', ARGV[7], 'v', ARGV[8])
local ms = string.match(id, '^(%d+)')
local threshold = (tonumber(ms) - tonumber(ARGV[5])) .. '-0'
local old = redis.call('XRANGE', KEYS[2], '-', '(' .. threshold, 'COUNT', 100)
if #old > 0 then
  local last = old[#old][1]
  redis.call('SET', KEYS[3], last)
  local lastMs, lastSeq = string.match(last, '(%d+)-(%d+)')
  redis.call('XTRIM', KEYS[2], 'MINID', lastMs .. '-' .. (tonumber(lastSeq) + 1))
end
return id
`;

/**
 * A Lua function (key, mode, ttl ms, written): notes a write in a record hash's ledger (mode
 * 'hash': its field `w`) or in a create intent (mode 'intent': a string key). `written` is
 * the written entries (7 bytes each: a field's 2-byte path id and its value's 5-byte hash; see
 * field-hashes.ts). Per field, the written hash first, then its one other latest value
 * (LEDGER_VALUES_PER_FIELD). A gone record takes nothing. Bumps the record's `n`, so a
 * recorder that read the record before this write decides again (feed-store.ts: commit).
 * Shared with the records' write mark (records/record-scripts.ts), which notes a run's first
 * write in the same step as it marks the record.
 */
export const NOTE_WRITE_FUNCTION = `
local function noteWrite(key, mode, ttl, written)
  local old
  if mode == 'hash' then
    if redis.call('HEXISTS', key, 'g') == 1 then return 0 end
    old = redis.call('HGET', key, 'w') or ''
  else
    old = redis.call('GET', key) or ''
  end
  local order, values = {}, {}
  for i = 1, #old - 6, 7 do
    local id, h = string.sub(old, i, i + 1), string.sub(old, i + 2, i + 6)
    if not values[id] then values[id] = {}; table.insert(order, id) end
    table.insert(values[id], h)
  end
  for i = 1, #written - 6, 7 do
    local id, h = string.sub(written, i, i + 1), string.sub(written, i + 2, i + 6)
    if not values[id] then values[id] = {}; table.insert(order, id) end
    local kept = { h }
    for _, other in ipairs(values[id]) do
      if other ~= h and #kept < 2 then table.insert(kept, other) end
    end
    values[id] = kept
  end
  local parts = {}
  for _, id in ipairs(order) do
    for _, h in ipairs(values[id]) do table.insert(parts, id .. h) end
  end
  local ledger = table.concat(parts)
  if mode == 'hash' then
    redis.call('HSET', key, 'w', ledger)
    redis.call('HINCRBY', key, 'n', 1)
  else
    redis.call('SET', key, ledger, 'PX', ttl)
  end
  return 1
end
`;

/** KEYS: the note's key. ARGV: mode, ttl ms, written entries (see NOTE_WRITE_FUNCTION). */
const NOTE_WRITE = `${NOTE_WRITE_FUNCTION}
return noteWrite(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
`;

/**
 * KEYS: change log. ARGV: where to start (stream id, inclusive), how many entries to look at,
 * the record ref whose entries go. Deletes this chunk's entries that name the ref; returns
 * the number deleted and the id to continue after ('' at the end).
 */
const ERASE_CHUNK = `
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
local deleted = 0
local needle = ' ' .. ARGV[3] .. ' '
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'r' and string.find(' ' .. fields[i + 1] .. ' ', needle, 1, true) then
      redis.call('XDEL', KEYS[1], entry[1])
      deleted = deleted + 1
    end
  end
end
if #entries < tonumber(ARGV[2]) then return {deleted, ''} end
return {deleted, entries[#entries][1]}
`;

/** The feed's scripts, as commands of this connection (sent by SHA after the first call). */
export type FeedScripts = {
  /** Buffers out: the record's snapshot and ledger, when it answers 'changed', are binary. */
  relayFeedCommitBuffer(
    record: string,
    log: string,
    trimmed: string,
    intent: string,
    ...args: (string | Buffer)[]
  ): Promise<Buffer | Buffer[]>;
  relayFeedNoteWrite(key: string, mode: string, ttlMs: string, written: Buffer): Promise<number>;
  relayFeedEraseChunk(
    log: string,
    start: string,
    count: number,
    ref: string,
  ): Promise<[number, string]>;
};

export function feedScripts(redis: Redis | Cluster): FeedScripts {
  const scripts = redis as unknown as Partial<FeedScripts>;
  if (!scripts.relayFeedCommitBuffer) {
    redis.defineCommand('relayFeedCommit', { numberOfKeys: 4, lua: COMMIT });
    redis.defineCommand('relayFeedNoteWrite', { numberOfKeys: 1, lua: NOTE_WRITE });
    redis.defineCommand('relayFeedEraseChunk', { numberOfKeys: 1, lua: ERASE_CHUNK });
  }
  return scripts as FeedScripts;
}
