import type { Cluster, Redis } from 'ioredis';

/** A hold as every process sees it; times are the store's clock (Redis `TIME`), in ms. */
export type SharedHold = {
  since: number;
  /** Probes made so far (turns taken). */
  probes: number;
  nextProbeAt: number;
  /** The store's clock when it answered, so that no process's own clock skews the waits. */
  now: number;
};

/**
 * Where a hold lives, under a key per token (a hash of it: the token itself is never stored).
 * Its probe schedule is one for all processes: a turn goes to the first process that asks
 * once it is due, and each turn doubles the wait before the next, up to a cap.
 */
export type HoldStore = {
  /** Intercom refused the token: starts the hold (first probe `firstProbeMs` on), or keeps the one on. */
  refuse(key: string): Promise<SharedHold>;
  /** The hold now (undefined: it ended), and whether the caller takes the probe turn now due. */
  tick(key: string): Promise<{ hold: SharedHold; probe: boolean } | undefined>;
  /** A call with the token succeeded: the hold is over for every process. */
  end(key: string): Promise<void>;
  read(key: string): Promise<SharedHold | undefined>;
};

export type HoldSchedule = {
  /** @defaultValue 1000 */
  firstProbeMs?: number;
  /** @defaultValue 60000 */
  maxProbeMs?: number;
};

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** KEYS[1] the hold; ARGV first probe ms, ttl ms. Returns {since, probes, next_probe_at, now}. */
const REFUSE_SCRIPT = `${NOW}
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'since', now, 'probes', 0, 'delay', ARGV[1],
    'next_probe_at', now + tonumber(ARGV[1]))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'since', 'probes', 'next_probe_at')
return {tonumber(h[1]), tonumber(h[2]), tonumber(h[3]), now}
`;

/**
 * KEYS[1] the hold; ARGV max probe ms, ttl ms. Returns nil when there is no hold, else
 * {since, probes, next_probe_at, now, 1 when the caller takes the probe turn}.
 */
const TICK_SCRIPT = `${NOW}
local h = redis.call('HMGET', KEYS[1], 'since', 'probes', 'next_probe_at', 'delay')
if not h[1] then return nil end
local probes, next_at, delay = tonumber(h[2]), tonumber(h[3]), tonumber(h[4])
local turn = 0
if now >= next_at then
  turn = 1
  probes = probes + 1
  delay = math.min(delay * 2, tonumber(ARGV[1]))
  next_at = now + delay
  redis.call('HSET', KEYS[1], 'probes', probes, 'delay', delay, 'next_probe_at', next_at)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return {tonumber(h[1]), probes, next_at, now, turn}
`;

const READ_SCRIPT = `${NOW}
local h = redis.call('HMGET', KEYS[1], 'since', 'probes', 'next_probe_at')
if not h[1] then return nil end
return {tonumber(h[1]), tonumber(h[2]), tonumber(h[3]), now}
`;

type Row = [number, number, number, number, number?];

type HoldScripts = {
  relayAuthHoldRefuse(key: string, firstMs: number, ttlMs: number): Promise<Row>;
  relayAuthHoldTick(key: string, maxMs: number, ttlMs: number): Promise<Row | null>;
  relayAuthHoldRead(key: string): Promise<Row | null>;
};

const toHold = ([since, probes, nextProbeAt, now]: Row): SharedHold => ({
  since,
  probes,
  nextProbeAt,
  now,
});

/**
 * The hold in Redis, shared by every process using the token (workers and ingress). A hold
 * nobody probes any more (every process gone) lapses after ten probe intervals.
 */
export function createRedisHoldStore(
  options: { redis: Redis | Cluster; prefix: string } & HoldSchedule,
): HoldStore {
  const firstMs = options.firstProbeMs ?? 1_000;
  const maxMs = options.maxProbeMs ?? 60_000;
  const ttlMs = 10 * maxMs;
  const scripts = defineScripts(options.redis);
  const keyOf = (key: string) => `${options.prefix}:intercom-auth-hold:${key}`;
  return {
    refuse: async (key) => toHold(await scripts.relayAuthHoldRefuse(keyOf(key), firstMs, ttlMs)),
    async tick(key) {
      const row = await scripts.relayAuthHoldTick(keyOf(key), maxMs, ttlMs);
      return row ? { hold: toHold(row), probe: row[4] === 1 } : undefined;
    },
    async end(key) {
      await options.redis.del(keyOf(key));
    },
    async read(key) {
      const row = await scripts.relayAuthHoldRead(keyOf(key));
      return row ? toHold(row) : undefined;
    },
  };
}

/** The same in this process's memory: a hold no other process shares (tests, no Redis). */
export function createLocalHoldStore(
  options: HoldSchedule & { now?: () => number } = {},
): HoldStore {
  const firstMs = options.firstProbeMs ?? 1_000;
  const maxMs = options.maxProbeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const holds = new Map<string, { since: number; probes: number; next: number; delay: number }>();
  const view = (hold: { since: number; probes: number; next: number }): SharedHold => ({
    since: hold.since,
    probes: hold.probes,
    nextProbeAt: hold.next,
    now: now(),
  });
  return {
    async refuse(key) {
      let hold = holds.get(key);
      if (!hold) {
        hold = { since: now(), probes: 0, next: now() + firstMs, delay: firstMs };
        holds.set(key, hold);
      }
      return view(hold);
    },
    async tick(key) {
      const hold = holds.get(key);
      if (!hold) return undefined;
      const probe = now() >= hold.next;
      if (probe) {
        hold.probes += 1;
        hold.delay = Math.min(hold.delay * 2, maxMs);
        hold.next = now() + hold.delay;
      }
      return { hold: view(hold), probe };
    },
    async end(key) {
      holds.delete(key);
    },
    async read(key) {
      const hold = holds.get(key);
      return hold && view(hold);
    },
  };
}

/** Registered once per connection; ioredis sends EVALSHA and falls back to EVAL when needed. */
function defineScripts(redis: Redis | Cluster): HoldScripts {
  const scripts = redis as unknown as Partial<HoldScripts>;
  if (!scripts.relayAuthHoldRefuse) {
    redis.defineCommand('relayAuthHoldRefuse', { numberOfKeys: 1, lua: REFUSE_SCRIPT });
    redis.defineCommand('relayAuthHoldTick', { numberOfKeys: 1, lua: TICK_SCRIPT });
    redis.defineCommand('relayAuthHoldRead', { numberOfKeys: 1, lua: READ_SCRIPT });
  }
  return scripts as HoldScripts;
}
