/**
 * The budget lives in one Redis hash per Intercom app (and, optionally, one per workspace),
 * changed only by these scripts. A Lua script rather than a library such as
 * rate-limiter-flexible: Intercom's windows are fixed and aligned to epoch time, the budget
 * must be corrected from response headers and closed on a 429, and lanes must be able to
 * reserve capacity for more urgent ones — all of it has to happen in the same atomic step as
 * the take, which no general-purpose limiter offers. Time comes from Redis (`TIME`), so
 * processes on hosts with skewed clocks still agree on the window.
 *
 * Fields of the app hash: window (index of the current window), used (calls counted in it),
 * limit_seen (X-RateLimit-Limit last reported), closed_until (ms; set by a 429), and per lane
 * rank r: demand:r and granted:r for this window, prev_demand:r for the previous one.
 */

const ROLL_WINDOW = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Starts a new window when the stored one is over; this window's demand becomes the previous.
local function roll(key, window, lanes)
  local current = tonumber(redis.call('HGET', key, 'window'))
  if current == window then return end
  local fields = {'window', window, 'used', 0}
  for rank = 0, lanes - 1 do
    local demand = 0
    if current == window - 1 then
      demand = tonumber(redis.call('HGET', key, 'demand:' .. rank)) or 0
    end
    fields[#fields + 1] = 'prev_demand:' .. rank
    fields[#fields + 1] = demand
    fields[#fields + 1] = 'demand:' .. rank
    fields[#fields + 1] = 0
    fields[#fields + 1] = 'granted:' .. rank
    fields[#fields + 1] = 0
  end
  redis.call('HSET', key, unpack(fields))
end
`;

/**
 * KEYS[1] app hash, KEYS[2] workspace hash (or the app hash again when no workspace is set).
 * ARGV: windowMs, configured limit, headroom fraction, lane rank, lane count, reserve
 * fraction, stagger ms per rank, workspace limit (0: none), permits wanted.
 * Returns {1, permits granted, ms they stay usable} or {0, ms to wait, used}.
 * A caller may take several permits at once to save round trips, but never more than an
 * eighth of what is left, so near the end of a window permits go out one by one.
 */
export const ACQUIRE_SCRIPT = `${ROLL_WINDOW}
local app, workspace = KEYS[1], KEYS[2]
local windowMs = tonumber(ARGV[1])
local configured = tonumber(ARGV[2])
local headroom = tonumber(ARGV[3])
local rank = tonumber(ARGV[4])
local lanes = tonumber(ARGV[5])
local reserveFraction = tonumber(ARGV[6])
local staggerMs = tonumber(ARGV[7])
local workspaceLimit = tonumber(ARGV[8])
local want = tonumber(ARGV[9])

local now = now_ms()
local window = math.floor(now / windowMs)
local untilNextWindow = (window + 1) * windowMs - now + rank * staggerMs
roll(app, window, lanes)
redis.call('PEXPIRE', app, windowMs * 30)

local closedUntil = tonumber(redis.call('HGET', app, 'closed_until')) or 0
if closedUntil > now then
  redis.call('HINCRBY', app, 'demand:' .. rank, 1)
  return {0, closedUntil - now + rank * staggerMs, -1}
end

-- No permit in a window's last moments: a call granted then can reach Intercom after the
-- boundary (a busy event loop, the network) and count against the next window instead.
local guardMs = math.min(100, math.floor(windowMs / 20))
if (window + 1) * windowMs - now <= guardMs then
  redis.call('HINCRBY', app, 'demand:' .. rank, 1)
  return {0, untilNextWindow, -1}
end

local limit = configured
local seen = tonumber(redis.call('HGET', app, 'limit_seen'))
if seen and seen > 0 and seen < limit then limit = seen end
local allowed = math.floor(limit * (1 - headroom))

-- Capacity the more urgent lanes are expected to still need in this window: what they asked
-- for in the previous window (or already in this one), minus what they have had.
-- In the window's last tenth the reserve is released: what urgent lanes have not claimed by
-- then would be lost, and an urgent job arriving now waits at most that tenth.
local reserve = 0
if rank > 0 and now - window * windowMs < windowMs * 0.9 then
  reserve = math.ceil(allowed * reserveFraction)
  for r = 0, rank - 1 do
    local expected = math.max(
      tonumber(redis.call('HGET', app, 'prev_demand:' .. r)) or 0,
      tonumber(redis.call('HGET', app, 'demand:' .. r)) or 0)
    local granted = tonumber(redis.call('HGET', app, 'granted:' .. r)) or 0
    reserve = reserve + math.max(expected - granted, 0)
  end
end

local used = tonumber(redis.call('HGET', app, 'used')) or 0
local free = allowed - reserve - used
if free < 1 then
  redis.call('HINCRBY', app, 'demand:' .. rank, 1)
  if allowed - used >= 1 then
    -- Only the reserve is left: ask again when it is released. The lane's stagger stays in the
    -- first half of the time left before the guard: in a short window it fell in the guard,
    -- where nothing is granted, at every window's end.
    local releaseAt = window * windowMs + math.floor(windowMs * 0.9)
    local open = (window + 1) * windowMs - guardMs - releaseAt
    return {0, releaseAt + math.min(rank * staggerMs, math.floor(open / 2)) - now, used}
  end
  return {0, untilNextWindow, used}
end
local grant = math.min(want, math.max(1, math.floor(free / 8)))

if workspaceLimit > 0 and workspace ~= app then
  local wsWindow = tonumber(redis.call('HGET', workspace, 'window'))
  if wsWindow ~= window then redis.call('HSET', workspace, 'window', window, 'used', 0) end
  redis.call('PEXPIRE', workspace, windowMs * 30)
  local wsUsed = tonumber(redis.call('HGET', workspace, 'used')) or 0
  local wsFree = math.floor(workspaceLimit * (1 - headroom)) - wsUsed
  if wsFree < 1 then
    redis.call('HINCRBY', app, 'demand:' .. rank, 1)
    return {0, untilNextWindow, used}
  end
  grant = math.min(grant, wsFree)
  redis.call('HINCRBY', workspace, 'used', grant)
end

redis.call('HINCRBY', app, 'demand:' .. rank, grant)
redis.call('HINCRBY', app, 'granted:' .. rank, grant)
redis.call('HINCRBY', app, 'used', grant)
return {1, grant, (window + 1) * windowMs - now - guardMs}
`;

/**
 * KEYS[1] app hash. ARGV: windowMs, lane count, X-RateLimit-Limit, X-RateLimit-Remaining,
 * reset (ms since epoch, 0 if unknown), HTTP status, margin ms added to a 429's reset.
 * Intercom's count includes calls this budget never saw (other apps, other tools): `used`
 * rises to what Intercom reports, never falls. A 429 closes the budget until the reset.
 */
export const OBSERVE_SCRIPT = `${ROLL_WINDOW}
local app = KEYS[1]
local windowMs = tonumber(ARGV[1])
local lanes = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local remaining = tonumber(ARGV[4])
local resetAt = tonumber(ARGV[5])
local status = tonumber(ARGV[6])
local marginMs = tonumber(ARGV[7])

local now = now_ms()
local window = math.floor(now / windowMs)
local windowEnd = (window + 1) * windowMs
roll(app, window, lanes)
redis.call('PEXPIRE', app, windowMs * 30)
if limit > 0 then redis.call('HSET', app, 'limit_seen', limit) end

if status == 429 then
  local reopenAt = windowEnd + marginMs
  if resetAt > now then reopenAt = resetAt + marginMs end
  local closedUntil = tonumber(redis.call('HGET', app, 'closed_until')) or 0
  if reopenAt > closedUntil then redis.call('HSET', app, 'closed_until', reopenAt) end
end

-- The reset is in whole seconds: a response belongs to this window when its reset is this
-- window's end. Late answers from the previous window must not inflate this one.
if resetAt > 0 and math.abs(resetAt - windowEnd) < 1000 then
  local reported = limit - remaining
  local used = tonumber(redis.call('HGET', app, 'used')) or 0
  if reported > used then redis.call('HSET', app, 'used', reported) end
end
return 1
`;
