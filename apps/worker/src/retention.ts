import { randomUUID } from 'node:crypto';
import type { JobRetention, KeepRule } from '@relay/jobs';
import {
  createMemoryHeadroom,
  type MemoryReading,
  REDIS_FILLING_RATIO,
  REDIS_FULL_RATIO,
} from '@relay/jobs/redis';
import type { Logger, Metrics } from '@relay/telemetry';
import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

/** How often each worker looks at Redis memory; one pass per interval for the whole cluster. */
const RETENTION_CHECK_EVERY_MS = 5_000;

/** Jobs removed per queue and state in one pass at most; the next pass goes on. */
const RETENTION_MAX_PER_PASS = 10_000;

/** Jobs one `clean` call removes at most: one Lua script, so Redis is held for ~10–50 ms. */
const CLEAN_BATCH = 1_000;

/** Longest a pass may hold the lock if its worker dies mid-pass. */
const LOCK_TTL_MS = 60_000;

/** Ids of trimmed dead letters named in the log line (the rest are counted). */
const LOGGED_IDS = 20;

/**
 * Keeps the lock until the interval that began with the pass is over (one pass per interval
 * for the whole cluster, however many workers ask), or drops it when that is past.
 */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  local ms = tonumber(ARGV[2])
  if ms > 0 then return redis.call('PEXPIRE', KEYS[1], ms) end
  return redis.call('DEL', KEYS[1])
end
return 0`;

export type RetentionOptions = {
  /** Every lane's queue (not only the lanes this worker drains). */
  queues: Queue[];
  /** For the lock and the reads of the completed sets (any connection but a blocking one). */
  redis: Redis | Cluster;
  prefix: string;
  retention: Pick<JobRetention, 'underPressure'>;
  /** Queues whose dead letters are never trimmed (the erasure lane: a legal duty left undone). */
  keepFailedIn?: readonly string[];
  /** Redis memory use; maxBytes 0 means no maxmemory (then nothing is ever trimmed here). */
  readMemory: () => Promise<MemoryReading>;
  metrics: Metrics;
  logger: Logger;
  /** @defaultValue RETENTION_CHECK_EVERY_MS */
  everyMs?: number;
  /** @defaultValue RETENTION_MAX_PER_PASS */
  maxPerPass?: number;
  now?: () => number;
};

export type RetentionPass = {
  /** Share of maxmemory in use when the pass began. */
  usedRatio: number;
  /** Completed jobs removed, by queue name. */
  completed: Record<string, number>;
  /** Failed jobs (dead letters) removed, by queue name. */
  failed: Record<string, number>;
  /** Whether a queue still had more to trim than one pass may remove. */
  cutShort: boolean;
};

/**
 * Retention that yields under memory pressure. BullMQ keeps finished jobs by the workers'
 * JOB_KEEP_* rules (24 h of completed jobs, a week of dead letters): right for a Redis with
 * room, but kept jobs are what fills one that has none, and intake stays refused (from 95 %)
 * until they age out, hours later. So, every few seconds, a worker reads Redis memory and:
 * - from REDIS_FILLING_RATIO (80 %, /readyz `degraded`): removes the completed jobs older than
 *   the under-pressure age or beyond its count per queue, oldest first;
 * - from REDIS_FULL_RATIO (95 %, intake refused), only once no queue has a completed job left
 *   to trim: removes dead letters older than the under-pressure failed age, oldest first,
 *   with a warning that names them, since an operator may still have wanted them; never
 *   those of `keepFailedIn` (the erasure lane).
 * Waiting, active, delayed and prioritized jobs are never touched. One worker at a time runs
 * a pass (a short Redis lock, kept for the interval); a pass removes at most `maxPerPass`
 * jobs per queue and state, in batches of 1,000 (each one Lua script).
 */
export function createRetention(options: RetentionOptions) {
  const everyMs = options.everyMs ?? RETENTION_CHECK_EVERY_MS;
  const maxPerPass = options.maxPerPass ?? RETENTION_MAX_PER_PASS;
  const now = options.now ?? Date.now;
  const { logger, metrics } = options;
  const rules = options.retention.underPressure;
  const lockKey = `${options.prefix}:retention:lock`;
  // The /readyz sampler, with the line at 80 %: below it there is nothing to do.
  const filling = createMemoryHeadroom({
    read: options.readMemory,
    maxRatio: REDIS_FILLING_RATIO,
    sampleEveryMs: 0,
    nearSampleEveryMs: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let nothingLeftLogged = false;
  // A pass cut short by its bound left completed jobs beyond the rule; its freeing may have
  // brought Redis under 80 % already. This worker finishes the trim in the next intervals
  // anyway, so "from 80 % completed jobs go down to the rule" holds whatever the pass bound.
  let unfinished = false;

  /** Takes the cluster-wide lock; a Redis refusing writes (OOM) runs the pass without it. */
  async function lock(): Promise<string | false | 'unlocked'> {
    const token = randomUUID();
    try {
      const taken = await options.redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX');
      return taken === 'OK' ? token : false;
    } catch (error) {
      if (/OOM/.test((error as Error).message)) return 'unlocked'; // deletes still work at 100 %
      throw error;
    }
  }

  async function unlock(token: string, startedAt: number) {
    const keepMs = Math.max(Math.round(startedAt + everyMs - now()), 0);
    await options.redis.eval(RELEASE_SCRIPT, 1, lockKey, token, String(keepMs));
  }

  /** Removes up to `max` jobs of `state` finished at or before `cutoff`, oldest first. */
  async function clean(queue: Queue, state: 'completed' | 'failed', cutoff: number, max: number) {
    // clean() cuts at its own Date.now() - grace, read a moment after ours: a millisecond
    // ticking in between moved the cut onto jobs it should keep (a CI run kept 7 of the
    // count's 10). It removes the oldest first, so it is asked for exactly as many as are due:
    // a later cut then finds no more than those to take.
    const due = await options.redis.zcount(queue.keys[state] as string, 0, cutoff);
    const removed: string[] = [];
    while (removed.length < Math.min(due, max)) {
      const batch = Math.min(CLEAN_BATCH, due - removed.length, max - removed.length);
      const ids = await queue.clean(Math.max(Date.now() - cutoff, 0), batch, state);
      removed.push(...ids);
      if (ids.length < batch) break;
    }
    return { removed, more: due > max };
  }

  /** The completed jobs of one queue beyond the rule: older than its age, or past its count. */
  async function trimCompleted(queue: Queue, rule: KeepRule) {
    let cutoff = now() - rule.ageMs;
    // Everything that finished before the last job within the count (ranked newest first):
    // clean() goes by finish time, so jobs that finished in the same millisecond as that one
    // stay with it (a few kept too many, never one too few).
    if (rule.count === 0) {
      cutoff = now();
    } else {
      const [, lastKept] = await options.redis.zrevrange(
        queue.keys.completed as string,
        rule.count - 1,
        rule.count - 1,
        'WITHSCORES',
      );
      if (lastKept !== undefined) cutoff = Math.max(cutoff, Number(lastKept) - 1);
    }
    return clean(queue, 'completed', cutoff, maxPerPass);
  }

  async function pass(usedRatio: number): Promise<RetentionPass> {
    const result: RetentionPass = { usedRatio, completed: {}, failed: {}, cutShort: false };
    for (const queue of options.queues) {
      const { removed, more } = await trimCompleted(queue, rules.completed);
      result.cutShort ||= more;
      if (removed.length === 0) continue;
      result.completed[queue.name] = removed.length;
      metrics.retentionTrimmed.inc({ queue: queue.name, state: 'completed' }, removed.length);
    }
    const trimmedCompleted = Object.values(result.completed).reduce((a, b) => a + b, 0);
    if (trimmedCompleted > 0) {
      logger.info(
        {
          usedRatio: round(usedRatio),
          trimmed: result.completed,
          keptMs: rules.completed.ageMs,
          keptPerQueue: rules.completed.count,
          cutShort: result.cutShort,
        },
        'redis filling: trimmed completed jobs kept for retention',
      );
    }
    if (result.cutShort) return result; // more completed jobs to go before any dead letter

    // Dead letters go last: only when Redis is still full with no completed job left to trim.
    const after = await options.readMemory().catch(() => undefined);
    const ratioAfter = after && after.maxBytes > 0 ? after.usedBytes / after.maxBytes : 0;
    if (ratioAfter < REDIS_FULL_RATIO) {
      nothingLeftLogged = false;
      return result;
    }
    const ids: string[] = [];
    for (const queue of options.queues) {
      if (options.keepFailedIn?.includes(queue.name)) continue;
      const { removed, more } = await clean(queue, 'failed', now() - rules.failedAgeMs, maxPerPass);
      result.cutShort ||= more;
      if (removed.length === 0) continue;
      result.failed[queue.name] = removed.length;
      ids.push(...removed.slice(0, LOGGED_IDS - ids.length));
      metrics.retentionTrimmed.inc({ queue: queue.name, state: 'failed' }, removed.length);
    }
    const trimmedFailed = Object.values(result.failed).reduce((a, b) => a + b, 0);
    if (trimmedFailed > 0) {
      nothingLeftLogged = false;
      logger.warn(
        {
          usedRatio: round(ratioAfter),
          trimmed: result.failed,
          olderThanMs: rules.failedAgeMs,
          jobIds: ids,
        },
        'redis full: removed dead letters (failed jobs) before their retention ran out; replay is no longer possible for them',
      );
    } else if (!nothingLeftLogged) {
      nothingLeftLogged = true;
      logger.warn(
        { usedRatio: round(ratioAfter), failedKeptMs: rules.failedAgeMs },
        'redis full and retention has nothing left to trim: what fills it is queued work, recent dead letters or other data',
      );
    }
    return result;
  }

  /** One look at memory and, from 80 %, one pass if no other worker has run one this interval. */
  async function runOnce(): Promise<RetentionPass | undefined> {
    if ((await filling.hasRoom()) && !unfinished) {
      nothingLeftLogged = false;
      return undefined;
    }
    const token = await lock();
    if (token === false) return undefined;
    const startedAt = now();
    try {
      const result = await pass(filling.usedRatio());
      unfinished = result.cutShort;
      return result;
    } finally {
      if (token !== 'unlocked') await unlock(token, startedAt).catch(() => {});
    }
  }

  function tick() {
    if (running) return; // a pass still going (a slow or unreachable Redis)
    running = runOnce()
      .catch((err: Error) =>
        logger.warn({ err: { message: err.message } }, 'retention pass failed; next one soon'),
      )
      .finally(() => {
        running = undefined;
      });
  }

  return {
    runOnce,
    start() {
      // Spread over the interval, so workers started together do not all ask at once.
      timer = setTimeout(() => {
        tick();
        timer = setInterval(tick, everyMs);
        timer.unref();
      }, Math.random() * everyMs);
      timer.unref();
    },
    /** Stops the timer; a pass under way ends by itself (bounded) or with the connection. */
    stop() {
      clearTimeout(timer);
      clearInterval(timer);
    },
  };
}

const round = (ratio: number) => Math.round(ratio * 1000) / 1000;
