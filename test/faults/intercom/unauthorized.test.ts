import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricSum, type WorkerProcess } from '../workers/worker-process.ts';
import { useWorkerRig } from './worker-rig.ts';

/**
 * Intercom answers 401: the access token was revoked. Work pauses without failing jobs or
 * spending attempts, the alert metric rises, and a valid token written to
 * INTERCOM_ACCESS_TOKEN_FILE resumes work without a restart and without waiting out the hold.
 */
const REVOKED = 'revoked-token';
const VALID = 'rotated-valid-token';
/** run-job held a queue this long on a 401; the new token must take effect well before. */
const OLD_HOLD_MS = 60_000;

let dir: string;
let worker: WorkerProcess;
const tokenFile = () => join(dir, 'intercom-token');

/** Replaces the file in one step, as a secrets manager or a Kubernetes volume does. */
function writeToken(value: string) {
  writeFileSync(`${tokenFile()}.next`, value);
  renameSync(`${tokenFile()}.next`, tokenFile());
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-401-'));
  writeToken(REVOKED);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const rig = useWorkerRig({
  simArgs: ['--token', `${REVOKED}:simapp`, '--token', `${VALID}:simapp`],
});

beforeAll(async () => {
  await rig.sim.control('POST', 'faults', { revokedTokens: [REVOKED] });
  worker = await rig.startWorker({
    INTERCOM_ACCESS_TOKEN: '',
    INTERCOM_ACCESS_TOKEN_FILE: tokenFile(),
    INTERCOM_APP_ID: 'simapp', // one budget whichever token is in use
  });
}, 60_000);

const unauthorizedCalls = async () =>
  (await rig.journal()).filter((entry) => entry.status === 401).length;
/** The hold's probes (`GET /me`, 1 s, 2 s, 4 s … apart) among them. */
const refusedProbes = async () =>
  (await rig.journal()).filter((entry) => entry.status === 401 && entry.route === '/me').length;

describe('a revoked access token', () => {
  it('pauses work with the alert metric up, and a valid token in the file resumes it at once', async () => {
    const ids = await rig.enqueueContacts(10, 'revoked');
    await waitFor(
      async () => metricSum(await worker.metrics(), 'intercom_requests_total', { code: '401' }),
      (count) => count > 0,
      15_000,
    );
    // Held: jobs keep coming back to the queue without calling Intercom with the bad token.
    await waitFor(
      async () => metricSum(await worker.metrics(), 'relay_jobs_total', { outcome: 'paused' }),
      (holds) => holds >= 3,
      OLD_HOLD_MS / 2,
    );
    const calls401 = await unauthorizedCalls();
    const probes401 = await refusedProbes();
    const alert = metricSum(await worker.metrics(), 'intercom_requests_total', { code: '401' });
    const whilePaused = await rig.counts();
    const stillWaiting = await rig.jobs(ids);

    writeToken(VALID);
    const rotated = Date.now();
    const counts = await waitFor(rig.counts, (c) => c.completed === ids.length, OLD_HOLD_MS / 2);
    const resumeMs = Date.now() - rotated;
    const jobs = await rig.jobs(ids);
    const journal = await rig.journal();
    console.info(
      `401: ${calls401} calls answered 401 before the token changed (intercom_requests_total{code="401"} ${alert}); ` +
        `work resumed and drained ${resumeMs} ms after a valid token was written (the hold was ${OLD_HOLD_MS} ms)`,
    );

    // The calls in flight (WORKER_CONCURRENCY) and the hold's probes, no more.
    expect(calls401 - probes401).toBeLessThanOrEqual(5);
    expect(probes401).toBeLessThanOrEqual(4);
    expect(alert).toBe(calls401);
    expect(whilePaused).toMatchObject({ completed: 0, failed: 0 });
    expect(stillWaiting.map((job) => job.attemptsMade)).toEqual(ids.map(() => 0));
    expect(counts).toMatchObject({ completed: ids.length, failed: 0 });
    expect(jobs.map((job) => job.attemptsMade)).toEqual(ids.map(() => 1));
    expect(journal.filter((entry) => entry.status === 401)).toHaveLength(calls401);
    expect((await rig.contacts()).filter((entry) => entry.writes !== 1)).toEqual([]);
  }, 90_000);
});
