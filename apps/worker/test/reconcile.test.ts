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

describe('contacts.reconcile', () => {
  it('is scheduled once for the cluster, and maps contacts whose webhooks never came', async () => {
    harness = await startWorkerHarness(['--search-lag-ms', '0'], { RECONCILE_EVERY_MS: '3600000' });
    const backfill = new Queue(QueueNames.backfill, {
      connection: { url: harness.redisUrl },
      prefix: harness.prefix,
    });
    try {
      await waitFor(
        () => backfill.getJobSchedulers(),
        (schedulers) => schedulers.length === 1,
        5_000,
      );
      // Contacts made in Intercom by someone else: the relay heard nothing of them.
      const made = [];
      for (let i = 0; i < 160; i += 1) {
        made.push(
          await harness.sim.api<{ id: string }>('POST', '/contacts', {
            external_id: `crm-elsewhere-${i}`,
            name: `Elsewhere ${i}`,
            role: 'user',
          }),
        );
      }
      const job = await backfill.add(JobNames.contactsReconcile, {});
      await waitFor(
        async () => (await backfill.getJob(job.id ?? ''))?.getState(),
        (state) => state === 'completed' || state === 'failed',
        15_000,
      );
      const done = await backfill.getJob(job.id ?? '');
      expect(done?.failedReason).toBeUndefined();
      expect(done?.returnvalue).toMatchObject({ seen: 160, mapped: 160 }); // two search pages
      expect(await harness.contacts.intercomId('crm-elsewhere-159')).toBe(made[159]?.id);

      // The next sweep starts where this one ended (less a small overlap), not an hour back.
      const again = await backfill.add(JobNames.contactsReconcile, {});
      await waitFor(
        async () => (await backfill.getJob(again.id ?? ''))?.getState(),
        (state) => state === 'completed',
        15_000,
      );
      const second = (await backfill.getJob(again.id ?? ''))?.returnvalue;
      expect(second.since).toBeGreaterThan(Date.now() / 1000 - 600);
    } finally {
      await backfill.close();
    }
  });
});
