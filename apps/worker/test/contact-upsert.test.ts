import { waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function metric(h: NonNullable<typeof harness>, name: string) {
  return h.metrics.registry.getSingleMetricAsString(name);
}

describe('contact.upsert through the SDK against the simulator', () => {
  it('creates a contact, and on a second push updates the same one (409 → update)', async () => {
    harness = await startWorkerHarness();
    const [first] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-1', email: 'ada@example.com', name: 'Ada' },
    ]);
    await harness.drained();
    const [second] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-1', email: 'ada@example.com', name: 'Ada Lovelace' },
    ]);
    await harness.drained();

    const contacts = await harness.simContacts();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ external_id: 'crm-1', name: 'Ada Lovelace' });
    const jobs = await Promise.all(
      [first, second].map((result) => harness?.syncQueue.getJob(result?.ok ? result.jobId : '')),
    );
    expect(jobs[0]?.returnvalue).toEqual({ intercomId: contacts[0]?.id, action: 'created' });
    expect(jobs[1]?.returnvalue).toEqual({ intercomId: contacts[0]?.id, action: 'updated' });
  });

  it('keeps within the window budget: every job completes and Intercom never answers 429', async () => {
    harness = await startWorkerHarness(['--rate-limit', '4', '--window-ms', '1000'], {
      INTERCOM_RATE_LIMIT_PER_10S: '4',
      INTERCOM_RATE_LIMIT_WINDOW_MS: '1000',
      INTERCOM_RATE_LIMIT_HEADROOM_PERCENT: '0',
    });
    const results = await harness.producer.enqueueContactUpserts(
      Array.from({ length: 12 }, (_, i) => ({ external_id: `crm-${i}` })),
    );
    await harness.drained(30_000);

    const stats = await harness.sim.control<{ rateLimited: number }>('GET', 'stats');
    expect(stats.rateLimited).toBe(0);
    expect(await harness.simContacts()).toHaveLength(12);
    for (const result of results) {
      const job = await harness.syncQueue.getJob(result.ok ? result.jobId : '');
      expect(await job?.getState()).toBe('completed');
      expect(job?.attemptsMade).toBe(1);
    }
    // Jobs waited for permits (no attempt used) rather than calling into a 429.
    expect(await metric(harness, 'relay_jobs_total')).toMatch(/outcome="rate_limited"/);
    expect(await metric(harness, 'intercom_budget_allowed_per_window')).toMatch(/\} 4$/m);
    expect(await metric(harness, 'intercom_budget_used')).toMatch(
      /intercom_budget_used\{[^}]*\} \d+/,
    );
  });

  it('absorbs a 429 storm: every job completes, none fails, and no attempt is used by a 429', async () => {
    harness = await startWorkerHarness(['--window-ms', '1000'], {
      INTERCOM_RATE_LIMIT_WINDOW_MS: '1000',
    });
    await harness.sim.control('POST', 'faults', { rateLimitedForMs: 1_500 });
    const results = await harness.producer.enqueueContactUpserts(
      Array.from({ length: 10 }, (_, i) => ({ external_id: `crm-${i}` })),
    );
    await harness.drained(30_000);

    const stats = await harness.sim.control<{ rateLimited: number }>('GET', 'stats');
    expect(stats.rateLimited).toBeGreaterThan(0);
    expect(await harness.simContacts()).toHaveLength(10);
    for (const result of results) {
      const job = await harness.syncQueue.getJob(result.ok ? result.jobId : '');
      expect(await job?.getState()).toBe('completed');
      expect(job?.attemptsMade).toBe(1);
    }
    const jobs = await metric(harness, 'relay_jobs_total');
    expect(jobs).toMatch(/outcome="rate_limited"/);
    expect(jobs).not.toMatch(/outcome="failed"/);
    expect(await metric(harness, 'intercom_rate_limited_total')).toMatch(
      /intercom_rate_limited_total\{[^}]*\} [1-9]/,
    );
  });

  it('retries 5xx with backoff and completes once Intercom recovers', async () => {
    harness = await startWorkerHarness();
    await harness.sim.control('POST', 'faults', { errorRates: { '503': 1 } });
    const [result] = await harness.producer.enqueueContactUpserts([{ external_id: 'crm-5xx' }]);
    const jobId = result?.ok ? result.jobId : '';
    await waitFor(
      async () => (await harness?.syncQueue.getJob(jobId))?.attemptsMade ?? 0,
      (attempts) => attempts >= 2,
      15_000,
    );
    await harness.sim.control('DELETE', 'faults');
    await harness.drained(30_000);

    const job = await harness.syncQueue.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(3);
    expect(await metric(harness, 'relay_jobs_total')).toMatch(/outcome="retried"/);
  });

  it('fails a job rejected by Intercom at once, with code, message and request_id', async () => {
    harness = await startWorkerHarness();
    await harness.sim.control('POST', 'faults', { errorRates: { '422': 1 } });
    const [result] = await harness.producer.enqueueContactUpserts([{ external_id: 'crm-422' }]);
    const jobId = result?.ok ? result.jobId : '';
    await waitFor(
      async () => (await harness?.syncQueue.getJob(jobId))?.getState(),
      (state) => state === 'failed',
      10_000,
    );
    const job = await harness.syncQueue.getJob(jobId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    const reason = JSON.parse(job?.failedReason ?? '{}');
    expect(reason).toMatchObject({ code: 'INTERCOM_REJECTED', retryable: false, status: 422 });
    expect(reason.requestId).toMatch(/\S+/);
    expect(reason.message).toContain('Intercom answered 422');
  });

  it('does not take a garbled 2xx body for a result: the job retries until a real answer', async () => {
    harness = await startWorkerHarness();
    await harness.sim.control('POST', 'faults', { malformedRate: 1 });
    const [result] = await harness.producer.enqueueContactUpserts([{ external_id: 'crm-garbled' }]);
    const jobId = result?.ok ? result.jobId : '';
    await waitFor(
      async () => (await harness?.syncQueue.getJob(jobId))?.attemptsMade ?? 0,
      (attempts) => attempts >= 1,
      10_000,
    );
    expect(await (await harness.syncQueue.getJob(jobId))?.getState()).not.toBe('completed');
    await harness.sim.control('DELETE', 'faults');
    await harness.drained(30_000);
    const job = await harness.syncQueue.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue.intercomId).toMatch(/^[0-9a-f]{24}$/);
  });
});
