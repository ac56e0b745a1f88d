import { AppError } from '@relay/errors';
import { LANES, type Lane, QueueNames } from '../queues.ts';
import type { RedisClient } from '../redis/connection.ts';
import { jobStoreFailure } from '../redis/redis-failure.ts';
import { type DeadLetter, retryOne, toDeadLetter } from './dead-letters.ts';
import { NOT_STARTED, removeNotStarted, scheduledNotStarted } from './drain.ts';
import { openLaneQueues } from './lane-queues.ts';
import { type LaneCounts, laneCounts, oldestWaitingMs } from './queue-health.ts';

export type QueueAdminOptions = {
  connection: RedisClient;
  /** BullMQ key prefix, as the producer and workers use it. */
  prefix: string;
};

export type LaneSummary = {
  lane: Lane;
  queue: string;
  paused: boolean;
  counts: LaneCounts;
  /** Age of the oldest job waiting to run (waiting or prioritized), 0 when none waits. */
  oldestWaitingAgeSeconds: number;
};

/** What a drain did: jobs removed, and what it left of the jobs that have not started. */
export type DrainResult = {
  removed: number;
  /** Jobs still not started, other than the schedulers' (arrived meanwhile, or past the limit). */
  remaining: number;
  /** Job schedulers' next runs (the reconciliation sweep's), left in place. */
  scheduled: number;
};

/** Jobs touched per round trip when draining or retrying. */
const BATCH = 100;

/**
 * The operators' side of the queues: pause/resume (BullMQ pauses a queue for every worker
 * process at once, active jobs finish, nothing is lost), drain, retry and the dead letters.
 */
export function createQueueAdmin(options: QueueAdminOptions) {
  const queues = openLaneQueues(options.connection, options.prefix);
  const queue = (lane: Lane) => queues.get(lane);
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
    const [paused, counts, oldestMs] = await Promise.all([
      q.isPaused(),
      laneCounts(q),
      oldestWaitingMs(q),
    ]);
    return {
      lane,
      queue: QueueNames[lane],
      paused,
      counts,
      oldestWaitingAgeSeconds: oldestMs / 1000,
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

    close: () => queues.close(),
  };
}

export type QueueAdmin = ReturnType<typeof createQueueAdmin>;
