/**
 * KEYS: record hash, change log (stream), the log's trim mark, a create intent.
 * ARGV: the record's expected write count `n` ('' when it should not exist), ttl ms (0: none),
 * the change JSON ('' records none), the change's record refs, the retention in ms,
 * '1' to drop the intent, then field/value pairs (an empty value deletes the field).
 * One step: a record changed since it was read (another notification, a write of the relay)
 * is not overwritten (false; the caller reads again), so no snapshot, version or ledger entry
 * is lost between two processes. A recorded change is appended to the log in the same step,
 * so the log's order is the order of versions; changes older than the retention go (by Redis's
 * clock, which also stamps the stream ids), and the newest id that went is kept as the trim
 * mark (a cursor before it missed changes). Returns the change's stream id, or 'ok'.
 */
export const COMMIT = `
local n = redis.call('HGET', KEYS[1], 'n')
if (n or '') ~= ARGV[1] then return false end
redis.call('HSET', KEYS[1], 'n', tonumber(n or '0') + 1)
for i = 7, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])
  else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('PERSIST', KEYS[1]) end
if ARGV[6] == '1' then redis.call('DEL', KEYS[4]) end
if ARGV[3] == '' then return 'ok' end
local id = redis.call('XADD', KEYS[2], '*', 'c', ARGV[3], 'r', ARGV[4])
local time = redis.call('TIME')
local threshold = (tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) - tonumber(ARGV[5])) .. '-0'
local last = redis.call('XREVRANGE', KEYS[2], '(' .. threshold, '-', 'COUNT', 1)
if #last > 0 then
  redis.call('SET', KEYS[3], last[1][1])
  redis.call('XTRIM', KEYS[2], 'MINID', threshold)
end
return id
`;

/**
 * KEYS: change log. ARGV: where to start (stream id, inclusive), how many entries to look at,
 * the record ref whose entries go. Deletes this chunk's entries that name the ref; returns
 * the number deleted and the id to continue after ('' at the end).
 */
export const ERASE_CHUNK = `
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
