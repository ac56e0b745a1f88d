import { waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorkerRig } from './worker-rig.ts';

/**
 * Intercom applies the write and answers 200 with a truncated body. The relay cannot tell
 * what happened: it must not take the garbage as a result, and its retry must not write the
 * contact a second time.
 */
const rig = useWorkerRig();

beforeAll(async () => {
  await rig.startWorker();
}, 60_000);

describe('malformed answers', () => {
  it('are retried and never taken as results; the retry finds the write done and does not repeat it', async () => {
    await rig.sim.control('POST', 'faults', { malformedRate: 1 });
    const ids = await rig.enqueueContacts(5, 'garbled');
    const during = await waitFor(
      () => rig.jobs(ids),
      (jobs) => jobs.every((job) => job.attemptsMade >= 2),
      30_000,
    );
    const states = await Promise.all(during.map((job) => job.getState()));
    const garbled = (await rig.journal()).filter((entry) => entry.outcome === 'malformed').length;
    await rig.sim.control('DELETE', 'faults');
    const counts = await waitFor(rig.counts, (c) => c.completed === ids.length, 60_000);
    const jobs = await rig.jobs(ids);
    const contacts = await rig.contacts();
    const idOf = new Map(contacts.map((entry) => [entry.contact.external_id, entry.contact.id]));
    console.info(
      `malformed: ${garbled} answers garbled; attempts per job ${jobs.map((job) => job.attemptsMade).join(', ')}; ` +
        `writes per contact ${contacts.map((entry) => entry.writes).join(', ')}`,
    );

    expect(states.filter((state) => state === 'completed')).toEqual([]);
    for (const job of during) {
      expect(JSON.parse(job.failedReason)).toMatchObject({
        code: 'INTERCOM_UNAVAILABLE',
        retryable: true,
      });
      expect(job.failedReason).toMatch(/not JSON/);
    }
    expect(counts).toMatchObject({ completed: ids.length, failed: 0 });
    expect(contacts).toHaveLength(ids.length);
    for (const job of jobs) {
      expect(job.returnvalue).toMatchObject({
        intercomId: idOf.get(job.data.contact.external_id),
      });
    }
    expect(contacts.filter((entry) => entry.writes !== 1)).toEqual([]);
  }, 120_000);
});
