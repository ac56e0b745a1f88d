import { ErrorCode, type Queue } from 'bullmq';

/** The states of a job that has not started, in the order a drain removes them. */
export const NOT_STARTED = ['prioritized', 'waiting', 'delayed'] as const;
/** Jobs touched per round trip when draining or retrying. */
const BATCH = 100;

/**
 * Removes up to `limit` jobs that have not started, a batch at a time. A job scheduler's next
 * run is skipped (BullMQ refuses to remove it): it stays where it is, and the next batch is
 * read past the ones skipped so far.
 */
export async function removeNotStarted(q: Queue, limit: number): Promise<number> {
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
export async function scheduledNotStarted(q: Queue): Promise<number> {
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
