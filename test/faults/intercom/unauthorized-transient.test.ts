import { waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricSum, type WorkerProcess } from '../workers/worker-process.ts';
import { useWorkerRig } from './worker-rig.ts';

/**
 * Intercom refuses the access token for a while (a transient 401, a token revoked and
 * restored) and then accepts the same token again, with nothing changed in the relay's
 * configuration. The workers hold their calls while it is refused and resume at full speed
 * once a call with that token succeeds: before the fix one call a minute went out for good.
 */
type LogLine = { level: string; msg: string; [key: string]: unknown };

const LOUD = new Set(['warn', 'error', 'fatal']);
/** How long a process held calls before a probe got through: once a minute, for good. */
const OLD_RETRY_MS = 60_000;

const rig = useWorkerRig();
let workers: WorkerProcess[];
const logs: LogLine[][] = [[], []];

beforeAll(async () => {
  workers = await Promise.all(
    logs.map((lines) =>
      rig.startWorker({ LOG_LEVEL: 'info' }, (line) => {
        if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
      }),
    ),
  );
}, 60_000);

const refuseToken = () => rig.sim.control('POST', 'faults', { revokedTokens: [rig.sim.token] });
const acceptToken = () => rig.sim.control('DELETE', 'faults');
const refusedCalls = async () =>
  (await rig.journal()).filter((entry) => entry.status === 401).length;
const held = async () =>
  Promise.all(
    workers.map(async (worker) => metricSum(await worker.metrics(), 'intercom_auth_held')),
  );

/** Waits up to `withinMs` for these jobs to complete: how long it took, and how many did. */
async function drain(ids: string[], withinMs: number) {
  const started = Date.now();
  const completed = async () =>
    (await rig.jobs(ids)).filter((job) => job.finishedOn && !job.failedReason).length;
  const done = await waitFor(completed, (count) => count === ids.length, withinMs, 50);
  return { ms: Date.now() - started, done };
}

describe('an access token refused for a moment, then accepted again', () => {
  it('holds every worker while it is refused, then all resume at full speed', async () => {
    await refuseToken();
    const ids = await rig.enqueueContacts(20, 'refused');
    await waitFor(refusedCalls, (count) => count > 0, 15_000);
    // Both processes hold: the one that met the 401 and the other, through Redis.
    const heldWhileRefused = await waitFor(held, (all) => all.every((v) => v === 1), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const whileRefused = await rig.counts();
    const refused = await refusedCalls();

    await acceptToken();
    const resumed = await drain(ids, OLD_RETRY_MS / 3);
    // Full speed: a second batch goes through as if nothing had happened.
    const more = await rig.enqueueContacts(100, 'after');
    const secondBatch = await drain(more, 15_000);
    const heldAfter = await held();
    const jobs = await rig.jobs([...ids, ...more]);
    console.info(
      `refused for ~4 s: ${refused} call(s) answered 401; ${resumed.done} of 20 drained ` +
        `${resumed.ms} ms after the token was accepted again, then ${secondBatch.done} of 100 ` +
        `more in ${secondBatch.ms} ms`,
    );

    expect(resumed.done).toBe(ids.length);
    expect(secondBatch.done).toBe(more.length);
    expect(heldWhileRefused).toEqual([1, 1]);
    expect(whileRefused).toMatchObject({ completed: 0, failed: 0 });
    // The calls in flight when Intercom first refused (2 workers × 5) and one probe per
    // backoff step (1 s, 2 s): no stream of 401s.
    expect(refused).toBeLessThanOrEqual(14);
    expect(heldAfter).toEqual([0, 0]);
    expect(jobs.map((job) => job.attemptsMade)).toEqual(jobs.map(() => 1));
    expect(await rig.counts()).toMatchObject({ completed: 120, failed: 0 });

    // Each process says once, at warn, that it holds calls, and at info that it resumed;
    // nothing above warn, and never the token.
    for (const lines of logs) {
      const loud = lines.filter((line) => LOUD.has(line.level));
      expect(loud.map((line) => line.msg)).toEqual([
        'holding intercom calls: the access token was refused',
      ]);
      expect(lines.some((line) => line.msg === 'resumed intercom calls')).toBe(true);
      expect(JSON.stringify(lines)).not.toContain(rig.sim.token);
    }
  }, 90_000);

  it('resumes within seconds after a single refused call', async () => {
    const before = await refusedCalls();
    await refuseToken();
    const ids = await rig.enqueueContacts(1, 'once');
    await waitFor(refusedCalls, (count) => count > before, 15_000);
    await acceptToken();
    const resumed = await drain(ids, 10_000);
    console.info(`one refused call: drained ${resumed.ms} ms after the token was accepted again`);
    expect(resumed.done).toBe(1);
    // The process that did not make the succeeding call learns of it at its next look (1 s).
    expect(await waitFor(held, (all) => all.every((v) => v === 0), 5_000)).toEqual([0, 0]);
  }, 30_000);
});
