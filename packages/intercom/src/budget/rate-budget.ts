import type { Cluster, Redis } from 'ioredis';
import type { RateLimitSnapshot } from '../rate-limit-headers.ts';
import { ACQUIRE_SCRIPT, OBSERVE_SCRIPT } from './budget-scripts.ts';

export type RateBudgetOptions = {
  /** A Redis or a Redis Cluster client (the keys share one hash slot). */
  redis: Redis | Cluster;
  /** Key prefix; keep Redis Cluster hash tags in it (e.g. `{relay}`) so both keys share a slot. */
  prefix: string;
  /** Identifies the Intercom app whose budget this is (every process of the app uses the same). */
  appId: string;
  /** Set when several apps of one workspace run relays: they then share the workspace budget. */
  workspaceId?: string | undefined;
  /** Calls Intercom allows the app per window (X-RateLimit-Limit corrects it downwards). */
  limitPerWindow: number;
  /** Calls the workspace allows per window, all apps together; 0 leaves it to Intercom. */
  workspaceLimitPerWindow?: number;
  /** Intercom's windows are 10 s, aligned to epoch time. @defaultValue 10000 */
  windowMs?: number;
  /** Share of each window left unused for other clients of the app. @defaultValue 0.1 */
  headroom?: number;
  /** Lanes, most urgent first. A lane only takes what the lanes before it will not need. */
  lanes: readonly string[];
  /** Share of the window always kept for more urgent lanes. @defaultValue 0.02 */
  reserveFraction?: number;
  /**
   * Less urgent lanes wake this much later per rank after a denial, so the urgent ones take
   * the first permits of the next window. @defaultValue 25
   */
  staggerMs?: number;
  /**
   * Permits a process takes from Redis at once (fewer round trips); the script never hands
   * out more than an eighth of what is left, and unused ones lapse when the window ends.
   * @defaultValue 8
   */
  permitBlock?: number;
};

export type Permit = { granted: true } | { granted: false; waitMs: number };

export type RateBudget = {
  /** One call's permit, or how long to wait before asking again. */
  acquire(lane: string): Promise<Permit>;
  /** Corrects the budget from a response's X-RateLimit-* headers; a 429 closes it. */
  observe(snapshot: RateLimitSnapshot, status: number): Promise<void>;
  /** Window index, calls used and the close time, as Redis holds them (metrics, tests). */
  state(): Promise<{
    window: number;
    used: number;
    closedUntil: number;
    limitSeen: number;
    /** What a window allows now: the configured or the lower reported limit, less headroom. */
    allowed: number;
  }>;
  readonly allowedPerWindow: number;
  readonly windowMs: number;
};

/** Pooled permits stop this long before the script's own guard, for the event loop's lag. */
const POOL_SAFETY_MS = 20;

/** A 429's reset is in whole seconds; reopen a little after it so the first call is not early. */
const REOPEN_MARGIN_MS = 50;

/**
 * One rate budget per Intercom app, in Redis, shared by every lane, process and host. Windows
 * are Intercom's: fixed, 10 s, aligned to epoch time, so the budget and Intercom's count agree.
 */
export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const windowMs = options.windowMs ?? 10_000;
  const headroom = options.headroom ?? 0.1;
  const reserveFraction = options.reserveFraction ?? 0.02;
  const staggerMs = options.staggerMs ?? 25;
  const appKey = `${options.prefix}:budget:app:${options.appId}`;
  const workspaceKey = options.workspaceId
    ? `${options.prefix}:budget:workspace:${options.workspaceId}`
    : appKey;
  const lanes = options.lanes;
  if (options.limitPerWindow < 1) throw new RangeError('limitPerWindow must be at least 1');
  if (headroom < 0 || headroom >= 1) throw new RangeError('headroom must be in [0, 1)');

  const permitBlock = options.permitBlock ?? 8;
  const scripts = defineScripts(options.redis);
  const rankOf = (lane: string) => {
    const rank = lanes.indexOf(lane);
    if (rank < 0) throw new RangeError(`unknown lane ${lane}; lanes are ${lanes.join(', ')}`);
    return rank;
  };

  // Permits taken from Redis but not yet handed out, per lane, valid until their window ends.
  const pools = new Map<string, { count: number; validUntil: number }>();
  // One refill per lane at a time: callers that find the pool empty wait for it.
  const refills = new Map<string, Promise<Permit>>();

  async function refill(lane: string): Promise<Permit> {
    const [granted, value, msLeft] = await scripts.relayBudgetAcquire(
      appKey,
      workspaceKey,
      windowMs,
      options.limitPerWindow,
      headroom,
      rankOf(lane),
      lanes.length,
      reserveFraction,
      staggerMs,
      options.workspaceLimitPerWindow ?? 0,
      permitBlock,
    );
    if (granted !== 1) return { granted: false, waitMs: value };
    pools.set(lane, { count: value, validUntil: Date.now() + msLeft - POOL_SAFETY_MS });
    return { granted: true };
  }

  /**
   * A permit from the lane's pool. `fresh`: the caller waited for the refill that just filled
   * it, whose permits the script granted with its own guard: they are its to use even when the
   * pool's margin has run out meanwhile. Turning them away spent them for no call (a refill in
   * a window's last 100 ms or so came back with a few ms of validity, gone after the round trip).
   */
  function takeFromPool(lane: string, fresh = false): boolean {
    const pool = pools.get(lane);
    if (!pool || pool.count < 1 || (!fresh && Date.now() >= pool.validUntil)) return false;
    pool.count -= 1;
    return true;
  }

  return {
    allowedPerWindow: Math.floor(options.limitPerWindow * (1 - headroom)),
    windowMs,

    async acquire(lane) {
      rankOf(lane);
      let fresh = false;
      for (;;) {
        if (takeFromPool(lane, fresh)) return { granted: true };
        let pending = refills.get(lane);
        if (!pending) {
          pending = refill(lane).finally(() => refills.delete(lane));
          refills.set(lane, pending);
        }
        const outcome = await pending;
        if (!outcome.granted) return outcome;
        fresh = true;
      }
    },

    async observe(snapshot, status) {
      // Intercom has nothing left: permits pooled here would only buy 429s.
      if (status === 429 || snapshot.remaining <= 0) pools.clear();
      await scripts.relayBudgetObserve(
        appKey,
        windowMs,
        lanes.length,
        snapshot.limit,
        snapshot.remaining,
        snapshot.resetAtMs,
        status,
        REOPEN_MARGIN_MS,
      );
    },

    async state() {
      const [window, used, closedUntil, limitSeen] = await options.redis.hmget(
        appKey,
        'window',
        'used',
        'closed_until',
        'limit_seen',
      );
      const seen = Number(limitSeen ?? 0);
      const limit = seen > 0 ? Math.min(seen, options.limitPerWindow) : options.limitPerWindow;
      return {
        window: Number(window ?? -1),
        used: Number(used ?? 0),
        closedUntil: Number(closedUntil ?? 0),
        limitSeen: seen,
        allowed: Math.floor(limit * (1 - headroom)),
      };
    },
  };
}

type BudgetScripts = {
  relayBudgetAcquire(...args: (string | number)[]): Promise<[number, number, number]>;
  relayBudgetObserve(...args: (string | number)[]): Promise<number>;
};

/** Registered once per connection; ioredis sends EVALSHA and falls back to EVAL when needed. */
function defineScripts(redis: Redis | Cluster): BudgetScripts {
  const scripts = redis as unknown as Partial<BudgetScripts>;
  if (!scripts.relayBudgetAcquire) {
    redis.defineCommand('relayBudgetAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('relayBudgetObserve', { numberOfKeys: 1, lua: OBSERVE_SCRIPT });
  }
  return scripts as BudgetScripts;
}
