import { AppError, ErrorCodes, isErrorCode } from '@relay/errors';
import { ErrorCode, type Job, Queue } from 'bullmq';
import type { RedisClient } from './connection.ts';
import { parseFailedReason } from './producer.ts';
import { type Lane, QueueNames } from './queues.ts';
import { jobStoreFailure } from './redis-failure.ts';

export type QueueAdminOptions = {
  connection: RedisClient;
  /** BullMQ key prefix, as the producer and workers use it. */
  prefix: string;
};

export type LaneSummary = {
  lane: Lane;
  queue: string;
  paused: boolean;
  counts: Record<'waiting' | 'active' | 'delayed' | 'prioritized' | 'failed' | 'completed', number>;
  /** Age of the oldest job waiting to run (waiting or prioritized), 0 when none waits. */
  oldestWaitingAgeSeconds: number;
};

/** A failed job as operators see it: never its data, which holds personal data. */
export type DeadLetter = {
  id: string;
  lane: Lane;
  name: string;
  attempts: number;
  failedAt: string | null;
  error: { code: string; message: string; retryable: boolean; requestId?: string; status?: number };
};

/** What a drain did: jobs removed, and what it left of the jobs that have not started. */
export type DrainResult = {
  removed: number;
  /** Jobs still not started, other than the schedulers' (arrived meanwhile, or past the limit). */
  remaining: number;
  /** Job schedulers' next runs (the reconciliation sweep's), left in place. */
  scheduled: number;
};

export const LANES = Object.keys(QueueNames) as Lane[];

/** The states of a job that has not started, in the order a drain removes them. */
const NOT_STARTED = ['prioritized', 'waiting', 'delayed'] as const;
const COUNTED = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;
/** Jobs touched per round trip when draining or retrying. */
const BATCH = 100;
/** A replayed job gets all its attempts again: it failed for a cause someone has since fixed. */
const REPLAY = { resetAttemptsMade: true, resetAttemptsStarted: true } as const;

/**
 * The operators' side of the queues: pause/resume (BullMQ pauses a queue for every worker
 * process at once, active jobs finish, nothing is lost), drain, retry and the dead letters.
 */
export function createQueueAdmin(options: QueueAdminOptions) {
  const queues = new Map<Lane, Queue>(
    LANES.map((lane) => {
      const queue = new Queue(QueueNames[lane], {
        connection: options.connection,
        prefix: options.prefix,
      });
      queue.on('error', () => {}); // surfaced through the failing call instead
      return [lane, queue];
    }),
  );
  const queue = (lane: Lane) => queues.get(lane) as Queue;
  const guard = <T>(work: Promise<T>): Promise<T> =>
    work.catch((cause: unknown) => {
      throw jobStoreFailure(
        cause,
        options.connection,
        'the job store (Redis) does not answer; retry later',
      );
    });

  async function summary(lane: Lane): Promise<LaneSummary> {
    const q = queue(lane);
    const [paused, counts, oldest] = await Promise.all([
      q.isPaused(),
      q.getJobCounts(...COUNTED),
      q.getJobs(['waiting', 'prioritized'], 0, 0, true),
    ]);
    const created = Math.min(...oldest.filter(Boolean).map((job) => job.timestamp));
    return {
      lane,
      queue: QueueNames[lane],
      paused,
      counts: Object.fromEntries(COUNTED.map((s) => [s, counts[s] ?? 0])) as LaneSummary['counts'],
      oldestWaitingAgeSeconds: Number.isFinite(created)
        ? Math.max(Date.now() - created, 0) / 1000
        : 0,
    };
  }

  /** Moves up to `limit` failed jobs back to waiting, the oldest failures first. */
  async function retryOldestFailed(lane: Lane, limit: number): Promise<number> {
    let retried = 0;
    while (retried < limit) {
      const batch = await queue(lane).getJobs(
        ['failed'],
        0,
        Math.min(BATCH, limit - retried) - 1,
        true,
      );
      if (batch.length === 0) break;
      const moved = await Promise.all(batch.filter(Boolean).map(retryOne));
      const count = moved.filter(Boolean).length;
      retried += count;
      if (count === 0) break; // each was retried or removed by someone else meanwhile
    }
    return retried;
  }

  return {
    lanes: LANES,

    isLane(value: string): value is Lane {
      return Object.hasOwn(QueueNames, value);
    },

    /** The BullMQ queue of a lane, for the dashboard. */
    queue,

    summaries: () => guard(Promise.all(LANES.map(summary))),

    async setPaused(lane: Lane, paused: boolean): Promise<{ lane: Lane; paused: boolean }> {
      await guard(paused ? queue(lane).pause() : queue(lane).resume());
      return { lane, paused: await guard(queue(lane).isPaused()) };
    },

    /**
     * Removes up to `limit` jobs that have not started (prioritized, waiting, delayed). This
     * deletes acknowledged work; erasure requests are a legal duty and are never drained. A
     * job scheduler's next run stays: the schedule (the reconciliation sweep) keeps running.
     */
    async drain(lane: Lane, limit: number): Promise<DrainResult> {
      if (lane === 'erasure') {
        throw new AppError(
          'OPERATION_REFUSED',
          'erasure requests are a legal duty and are never drained; pause the erasure lane to hold them',
          { details: { lane } },
        );
      }
      const q = queue(lane);
      const removed = await guard(removeNotStarted(q, limit));
      const [notStarted, scheduled] = await guard(
        Promise.all([q.getJobCountByTypes(...NOT_STARTED), scheduledNotStarted(q)]),
      );
      return { removed, remaining: Math.max(notStarted - scheduled, 0), scheduled };
    },

    /** Moves up to `limit` failed jobs (dead letters) back to waiting with fresh attempts. */
    async retryFailed(lane: Lane, limit: number): Promise<{ retried: number; remaining: number }> {
      const retried = await guard(retryOldestFailed(lane, limit));
      return { retried, remaining: await guard(queue(lane).getFailedCount()) };
    },

    /**
     * Replays the named failed jobs, or up to `limit` of the lane's oldest failures. Ids that
     * are not failed jobs of the lane (unknown, expired, already replayed) come back in
     * `notFound`.
     */
    async replay(
      lane: Lane,
      request: { jobIds?: readonly string[] | undefined; limit: number },
    ): Promise<{ replayed: number; remaining: number; notFound: string[] }> {
      const notFound: string[] = [];
      let replayed = 0;
      if (request.jobIds) {
        for (const id of new Set(request.jobIds)) {
          const job =
            (await guard(queue(lane).getJobState(id))) === 'failed'
              ? await guard(queue(lane).getJob(id))
              : undefined;
          if (job && (await retryOne(job))) replayed += 1;
          else notFound.push(id);
        }
      } else {
        replayed = await guard(retryOldestFailed(lane, request.limit));
      }
      return { replayed, remaining: await guard(queue(lane).getFailedCount()), notFound };
    },

    /**
     * Failed jobs, newest failure first, lane by lane (erasure, webhook, sync, backfill) when
     * no lane is given; `total` counts every failed job of the lanes asked for.
     */
    async deadLetters(request: {
      lane?: Lane | undefined;
      limit: number;
      offset: number;
    }): Promise<{ deadLetters: DeadLetter[]; total: number }> {
      const lanes = request.lane ? [request.lane] : LANES;
      const totals = await guard(Promise.all(lanes.map((lane) => queue(lane).getFailedCount())));
      const deadLetters: DeadLetter[] = [];
      let skip = request.offset;
      for (const [i, lane] of lanes.entries()) {
        const inLane = totals[i] ?? 0;
        if (deadLetters.length >= request.limit) break;
        if (skip >= inLane) {
          skip -= inLane;
          continue;
        }
        const take = Math.min(request.limit - deadLetters.length, inLane - skip);
        const jobs = await guard(queue(lane).getJobs(['failed'], skip, skip + take - 1, false));
        for (const job of jobs) if (job) deadLetters.push(toDeadLetter(job, lane));
        skip = 0;
      }
      return { deadLetters, total: totals.reduce((sum, n) => sum + n, 0) };
    },

    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export type QueueAdmin = ReturnType<typeof createQueueAdmin>;

/** True when the job moved back to waiting; false when it was no longer a failed job. */
async function retryOne(job: Job): Promise<boolean> {
  try {
    await job.retry('failed', REPLAY);
    return true;
  } catch {
    return false;
  }
}

function toDeadLetter(job: Job, lane: Lane): DeadLetter {
  const parsed = parseFailedReason(job.failedReason ?? '');
  const retryable =
    typeof parsed.retryable === 'boolean'
      ? parsed.retryable
      : isErrorCode(parsed.code) && ErrorCodes[parsed.code].retryable;
  return {
    id: job.id as string,
    lane,
    name: job.name,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    // Picked field by field: a failed reason is whatever the worker stored.
    error: {
      code: parsed.code,
      message: parsed.message,
      retryable,
      ...(typeof parsed.requestId === 'string' ? { requestId: parsed.requestId } : {}),
      ...(typeof parsed.status === 'number' ? { status: parsed.status } : {}),
    },
  };
}

/**
 * Removes up to `limit` jobs that have not started, a batch at a time. A job scheduler's next
 * run is skipped (BullMQ refuses to remove it): it stays where it is, and the next batch is
 * read past the ones skipped so far.
 */
async function removeNotStarted(q: Queue, limit: number): Promise<number> {
  let removed = 0;
  for (const state of NOT_STARTED) {
    let skipped = 0;
    while (removed < limit) {
      const size = Math.min(BATCH, limit - removed);
      const ids = await q.getRanges([state], skipped, skipped + size - 1, true);
      if (ids.length === 0) break;
      const outcomes = await Promise.all(ids.map((id) => removeUnlessScheduled(q, id)));
      const count = outcomes.filter((outcome) => outcome === 'removed').length;
      const scheduled = outcomes.filter((outcome) => outcome === 'scheduled').length;
      removed += count;
      skipped += scheduled;
      // Nothing removed or skipped: each job started meanwhile (it runs, it is not lost).
      if (count === 0 && scheduled === 0) break;
    }
  }
  return removed;
}

/** `started`: the job holds a lock (it began meanwhile); `scheduled`: a scheduler's next run. */
async function removeUnlessScheduled(
  q: Queue,
  id: string,
): Promise<'removed' | 'started' | 'scheduled'> {
  try {
    return (await q.remove(id)) === 1 ? 'removed' : 'started';
  } catch (error) {
    if ((error as { code?: unknown }).code === ErrorCode.JobBelongsToJobScheduler) {
      return 'scheduled';
    }
    throw error;
  }
}

/**
 * How many job schedulers' next runs have not started. A scheduler's next run has the id
 * `repeat:<scheduler id>:<next run ms>`, by which BullMQ itself recognises it (its drain and
 * removeJob scripts).
 */
async function scheduledNotStarted(q: Queue): Promise<number> {
  const schedulers = await q.getJobSchedulers();
  const states = await Promise.all(
    schedulers.map((scheduler) =>
      scheduler.next === undefined
        ? 'unknown'
        : q.getJobState(`repeat:${scheduler.key}:${scheduler.next}`),
    ),
  );
  return states.filter(
    (state) => state === 'prioritized' || state === 'waiting' || state === 'delayed',
  ).length;
}
