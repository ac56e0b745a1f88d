import { waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricSum } from '../workers/worker-process.ts';
import { useWorkerRig } from './worker-rig.ts';

/**
 * A 429 storm: Intercom answers 429 to every call for several windows. A 429 closes the
 * shared budget until its X-RateLimit-Reset for every worker, and the jobs wait in their
 * queue without using an attempt.
 */
const WINDOW_MS = 2_000; // short windows: the storm spans several resets in a few seconds
const WORKERS = 2;
const CONCURRENCY = 4;
const JOBS = 40;

const rig = useWorkerRig({ simArgs: ['--window-ms', String(WINDOW_MS)] });

beforeAll(async () => {
  for (let i = 0; i < WORKERS; i++) {
    await rig.startWorker({
      INTERCOM_RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      WORKER_CONCURRENCY: String(CONCURRENCY),
    });
  }
}, 60_000);

/** X-RateLimit-Reset of an answer at `at`: the end of its window, in whole seconds (as ms). */
const resetOf = (at: number) =>
  Math.ceil(((Math.floor(at / WINDOW_MS) + 1) * WINDOW_MS) / 1000) * 1000;

describe('a 429 storm', () => {
  it('makes no call before the reset beyond those already in flight, uses no attempt, and drains after', async () => {
    await rig.sim.control('POST', 'faults', { rateLimitedForMs: 2.5 * WINDOW_MS });
    const ids = await rig.enqueueContacts(JOBS, 'storm');
    const counts = await waitFor(rig.counts, (c) => c.completed === JOBS, 30_000);
    const journal = await rig.journal();
    const jobs = await rig.jobs(ids);
    const metrics = (await Promise.all(rig.workers.map((worker) => worker.metrics()))).join('\n');

    // Each storm window: the calls between its first 429 and the reset that 429 announced.
    const windows = new Map<number, { first: number; before: number; afterReset?: number }>();
    for (const entry of journal) {
      for (const [reset, window] of windows) {
        if (entry.at > window.first && entry.at < reset) window.before += 1;
        if (entry.at >= reset && window.afterReset === undefined) window.afterReset = entry.at;
      }
      if (entry.status === 429 && !windows.has(resetOf(entry.at))) {
        windows.set(resetOf(entry.at), { first: entry.at, before: 0 });
      }
    }
    const rateLimited = journal.filter((entry) => entry.status === 429).length;
    console.info(
      `429 storm: ${rateLimited} × 429 over ${windows.size} windows; per window, calls after the ` +
        `first 429 and before its reset: ${[...windows.values()].map((w) => w.before).join(', ')}; ` +
        `first call after each reset (ms after it): ${[...windows]
          .map(([reset, w]) => (w.afterReset === undefined ? '-' : w.afterReset - reset))
          .join(', ')}`,
    );

    expect(counts).toMatchObject({ completed: JOBS, failed: 0 });
    expect(windows.size).toBeGreaterThanOrEqual(2); // the storm outlasted a reset
    for (const window of windows.values()) {
      // Only calls that had their permit before the 429 closed the budget for everyone.
      expect(window.before).toBeLessThan(WORKERS * CONCURRENCY);
    }
    expect(jobs.map((job) => job.attemptsMade)).toEqual(ids.map(() => 1));
    expect(metricSum(metrics, 'relay_jobs_total', { outcome: 'retried' })).toBe(0);
    expect(metricSum(metrics, 'relay_jobs_total', { outcome: 'rate_limited' })).toBeGreaterThan(0);
    expect(metricSum(metrics, 'intercom_rate_limited_total')).toBe(rateLimited);
    expect((await rig.contacts()).filter((entry) => entry.writes !== 1)).toEqual([]);
  }, 60_000);
});
