import { waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricSum, type WorkerProcess } from '../workers/worker-process.ts';
import { useWorkerRig } from './worker-rig.ts';

/**
 * Intercom accepts the connection and never answers. Each call is aborted at
 * INTERCOM_TIMEOUT_MS and retried with backoff; the worker stays responsive meanwhile.
 */
const TIMEOUT_MS = 500;
// Generous for a machine shared with other runs; a loop blocked by a hung call never answers.
const HEALTH_TIMEOUT_MS = 2_000;

const rig = useWorkerRig();
let worker: WorkerProcess;

beforeAll(async () => {
  worker = await rig.startWorker({ INTERCOM_TIMEOUT_MS: String(TIMEOUT_MS) });
}, 60_000);

/** /healthz answers within HEALTH_TIMEOUT_MS: the event loop is not blocked by hung calls. */
async function healthy(): Promise<boolean> {
  try {
    const response = await fetch(`${worker.url}/healthz`, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

describe('Intercom hangs', () => {
  it('aborts each call at the timeout, answers /healthz throughout, retries, and completes after', async () => {
    await rig.sim.control('POST', 'faults', { hangRate: 1 });
    const ids = await rig.enqueueContacts(5, 'hang');
    const health: boolean[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        health.push(await healthy());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const retried = await waitFor(
      () => rig.jobs(ids),
      (jobs) => jobs.every((job) => job.attemptsMade >= 2),
      30_000,
    );
    watching = false;
    await watcher;
    // A call still hanging when read is given up at most TIMEOUT_MS later.
    const { metrics, hung, timedOut } = await waitFor(
      async () => {
        const hungCalls = (await rig.journal()).filter((entry) => entry.outcome === 'hang');
        const text = await worker.metrics();
        return {
          metrics: text,
          hung: hungCalls.length,
          timedOut: metricSum(text, 'intercom_requests_total', { code: 'timeout' }),
        };
      },
      (read) => read.timedOut === read.hung,
      10_000,
    );
    const meanMs =
      (1000 * metricSum(metrics, 'intercom_request_duration_seconds_sum')) /
      metricSum(metrics, 'intercom_request_duration_seconds_count');

    await rig.sim.control('DELETE', 'faults');
    const counts = await waitFor(rig.counts, (c) => c.completed === ids.length, 60_000);
    console.info(
      `hang: ${hung} calls hung, ${timedOut} aborted at the ${TIMEOUT_MS} ms timeout ` +
        `(mean ${Math.round(meanMs)} ms); /healthz answered ${health.filter(Boolean).length} of ` +
        `${health.length} polls during the hang`,
    );

    expect(timedOut).toBe(hung); // every hung call was given up, none left waiting
    expect(meanMs).toBeGreaterThan(TIMEOUT_MS - 50); // timers are not exact to the ms
    expect(meanMs).toBeLessThan(TIMEOUT_MS + 2_000); // aborted at the timeout, not later
    for (const job of retried) {
      expect(JSON.parse(job.failedReason)).toMatchObject({ code: 'INTERCOM_UNAVAILABLE' });
      expect(job.failedReason).toMatch(/timeout/i);
    }
    expect(health.length).toBeGreaterThan(5);
    expect(health.every(Boolean)).toBe(true);
    expect(counts).toMatchObject({ completed: ids.length, failed: 0 });
    expect((await rig.contacts()).filter((entry) => entry.writes !== 1)).toEqual([]);
  }, 120_000);
});
