import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export type RequestLimits = {
  /** Requests per client and second; 0 = no per-second limit. @defaultValue 0 */
  perSecond: number;
  /** Requests per client and minute; 0 = no per-minute limit. @defaultValue 6000 */
  perMinute: number;
};

export type RequestLimiterOptions = {
  redis: Redis | Cluster;
  /** The queue prefix (`{relay}`): its hash tag keeps the keys on the queues' Cluster shard. */
  prefix: string;
  limits: RequestLimits;
  /** A check slower than this lets the request through. @defaultValue 500 */
  timeoutMs?: number;
};

type LimitDecision =
  | { allowed: true; checked: boolean }
  | { allowed: false; retryAfterMs: number; limit: number; window: 'second' | 'minute' };

export type RequestLimiter = {
  /** Counts one request of `client` (any string; only its hash is stored) and decides. */
  take(client: string): Promise<LimitDecision>;
};

/**
 * Fixed windows on Redis's clock (every ingress process agrees, whatever its own clock),
 * one hash per client and window length: {w: window number, n: requests in it}. Counted only
 * when every window has room, so refused requests do not extend the wait. One script, so
 * the check and the count are one atomic step across processes.
 */
const TAKE = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local counts = {}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[i * 2 - 1])
  local length = tonumber(ARGV[i * 2])
  local window = math.floor(nowMs / length)
  local state = redis.call('HMGET', KEYS[i], 'w', 'n')
  local n = 0
  if tonumber(state[1]) == window then n = tonumber(state[2]) or 0 end
  if n >= limit then return {0, length - nowMs % length, i} end
  counts[i] = {window, n}
end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], 'w', counts[i][1], 'n', counts[i][2] + 1)
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[i * 2]) * 2)
end
return {1, 0, 0}
`;

const TAKE_SHA = createHash('sha1').update(TAKE).digest('hex');

const WINDOWS = [
  { name: 'second', lengthMs: 1_000, limitOf: (limits: RequestLimits) => limits.perSecond },
  { name: 'minute', lengthMs: 60_000, limitOf: (limits: RequestLimits) => limits.perMinute },
] as const;

/** Undefined when every limit is 0 (off). */
export function createRequestLimiter(options: RequestLimiterOptions): RequestLimiter | undefined {
  const windows = WINDOWS.filter((window) => window.limitOf(options.limits) > 0);
  if (windows.length === 0) return undefined;
  const timeoutMs = options.timeoutMs ?? 500;
  const args = windows.flatMap((window) => [window.limitOf(options.limits), window.lengthMs]);

  return {
    async take(client) {
      // The client's token never reaches Redis, only a hash of it.
      const id = createHash('sha256').update(client).digest('hex').slice(0, 32);
      const keys = windows.map((window) => `${options.prefix}:request-limit:${id}:${window.name}`);
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = (await Promise.race([
          run(options.redis, keys, args),
          new Promise<never>((_resolve, reject) => {
            timer = setTimeout(() => reject(new Error('request limit check timed out')), timeoutMs);
          }),
        ])) as [number, number, number];
        const [allowed, retryAfterMs, index] = answer;
        const window = windows[index - 1];
        if (allowed === 1 || !window) return { allowed: true, checked: true };
        return {
          allowed: false,
          retryAfterMs,
          limit: window.limitOf(options.limits),
          window: window.name,
        };
      } catch {
        // Redis unavailable: let the request through; storing it then answers 503 anyway.
        return { allowed: true, checked: false };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** EVALSHA, loading the script on a Redis that does not know it yet (a restart, a new node). */
async function run(redis: Redis | Cluster, keys: string[], args: number[]): Promise<unknown> {
  try {
    return await redis.evalsha(TAKE_SHA, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    return redis.eval(TAKE, keys.length, ...keys, ...args);
  }
}
