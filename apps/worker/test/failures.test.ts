import { JobNames } from '@relay/jobs';
import { waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('calls that fail', () => {
  it('aborts a call Intercom never answers at the timeout, keeps the event loop free, and retries', async () => {
    // A loop blocked by the hang would stall for the whole timeout; gaps below a second are
    // a shared machine's scheduling and GC, not the hang.
    harness = await startWorkerHarness([], { INTERCOM_TIMEOUT_MS: '1500' });
    await harness.sim.control('POST', 'faults', { hangRate: 1 });
    const [result] = await harness.producer.enqueueContactUpserts([{ external_id: 'crm-hang' }]);
    const jobId = result?.ok ? result.jobId : '';
    let lateTicks = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      if (performance.now() - last > 1_000) lateTicks += 1;
      last = performance.now();
    }, 20);
    try {
      await waitFor(
        async () => (await harness?.syncQueue.getJob(jobId))?.attemptsMade ?? 0,
        (attempts) => attempts >= 2,
        30_000,
      );
    } finally {
      clearInterval(ticker);
    }
    expect(lateTicks).toBe(0);
    const job = await harness.syncQueue.getJob(jobId);
    expect(JSON.parse(job?.failedReason ?? '{}')).toMatchObject({
      code: 'INTERCOM_UNAVAILABLE',
      retryable: true,
    });
    expect(job?.failedReason).toMatch(/timeout/i);
    await harness.sim.control('DELETE', 'faults');
    await harness.drained(30_000);
    expect(await (await harness.syncQueue.getJob(jobId))?.getState()).toBe('completed');
  });

  it('dead-letters a job whose attempts run out on 5xx, with the last error, its code and request_id', async () => {
    harness = await startWorkerHarness();
    await harness.sim.control('POST', 'faults', { errorRates: { '503': 1 } });
    const contact = { external_id: 'crm-dead' };
    await harness.contacts.storePending(contact);
    const job = await harness.syncQueue.add(
      JobNames.contactUpsert,
      { contact, receivedAt: Date.now() },
      { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
    );
    await waitFor(
      async () => (await harness?.syncQueue.getJob(job.id ?? ''))?.getState(),
      (state) => state === 'failed',
      15_000,
    );
    const failed = await harness.syncQueue.getJob(job.id ?? '');
    expect(failed?.attemptsMade).toBe(3);
    expect(JSON.parse(failed?.failedReason ?? '{}')).toMatchObject({
      code: 'INTERCOM_UNAVAILABLE',
      retryable: true,
      status: 503,
      requestId: expect.stringMatching(/\S+/),
    });
    expect(await harness.metrics.registry.getSingleMetricAsString('relay_jobs_total')).toMatch(
      /outcome="failed"[^}]*\} 1/,
    );
  });
});
