import { JobNames, QueueNames } from '@relay/jobs';
import { waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function backfillOf(running: NonNullable<typeof harness>) {
  return new Queue(QueueNames.backfill, {
    connection: { url: running.redisUrl },
    prefix: running.prefix,
  });
}

describe('companies.reconcile', () => {
  it('is scheduled for the cluster, and its first run at start maps every company', async () => {
    const running = await startWorkerHarness(
      [],
      { RECONCILE_COMPANIES_EVERY_MS: '3600000' },
      { autostart: false },
    );
    harness = running;
    const made = await running.sim.api<{ id: string }>('POST', '/companies', {
      company_id: 'elsewhere',
      name: 'Made elsewhere',
    });
    running.runtime.start();
    const backfill = backfillOf(running);
    try {
      const schedulers = await waitFor(
        () => backfill.getJobSchedulers(),
        (list) => list.length === 1,
        5_000,
      );
      expect(schedulers[0]?.key).toBe('companies-reconcile');
      const mapped = await waitFor(
        () => running.companies.intercomId('elsewhere'),
        (id) => id !== undefined,
        10_000,
      );
      expect(mapped).toBe(made.id);
    } finally {
      await backfill.close();
    }
  });

  it('waits a minute, using no attempt, while another scroll of the app is open', async () => {
    harness = await startWorkerHarness();
    await harness.sim.api('POST', '/companies', { company_id: 'initech' });
    await harness.sim.api('GET', '/companies/scroll'); // another client's, left open
    const backfill = backfillOf(harness);
    try {
      const job = await backfill.add(JobNames.companiesReconcile, {}, { attempts: 3 });
      await waitFor(
        async () => (await backfill.getJob(job.id ?? ''))?.getState(),
        (state) => state === 'delayed',
        10_000,
      );
      const deferred = await backfill.getJob(job.id ?? '');
      expect(deferred?.attemptsMade).toBe(0);
      expect(deferred?.failedReason).toBeFalsy();
      const runsAt = (deferred?.timestamp ?? 0) + (deferred?.delay ?? 0);
      expect(runsAt - Date.now()).toBeGreaterThan(50_000);
    } finally {
      await backfill.close();
    }
  });
});
