import { createHash } from 'node:crypto';
import { JobNames, QueueNames } from '@relay/jobs';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

/**
 * A contact erased moments ago is still in Intercom's search index (it lags writes, deletions
 * too). A reconciliation sweep or a warm-up that meets it there must leave nothing of it
 * behind: no mapping, no cached copy. The webhook handler knew this; the sweeps did not.
 */
let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const SEARCH_LAG_MS = 60_000;

async function erasedButStillSearchable(externalId: string) {
  const h = await startWorkerHarness(['--search-lag-ms', String(SEARCH_LAG_MS), '--clock-control']);
  harness = h;
  const [pushed] = await h.producer.enqueueContactUpserts([
    { external_id: externalId, role: 'user', name: 'Erase me' },
  ]);
  const created = await h.settled('sync', pushed?.ok ? pushed.jobId : '');
  expect(created).toMatchObject({ state: 'completed', result: { action: 'created' } });
  // The index catches up with the create; the erasure's delete then lags behind it.
  await h.sim.control('POST', 'clock', { advanceMs: SEARCH_LAG_MS + 1_000 });
  const erasure = await h.producer.enqueueErasure(externalId);
  expect(await h.settled('erasure', erasure.jobId)).toMatchObject({
    state: 'completed',
    result: { outcome: 'deleted' },
  });
  expect(await h.contacts.intercomId(externalId)).toBeUndefined();
  return h;
}

async function nothingLeft(h: NonNullable<typeof harness>, externalId: string) {
  expect(await h.contacts.intercomId(externalId)).toBeUndefined();
  const hash = createHash('sha256').update(externalId).digest('hex');
  expect(await h.connection.exists(`${h.prefix}:cache:contact:${hash}`)).toBe(0);
}

describe('a contact erased moments ago, still in the lagging search index', () => {
  it('leaves no mapping and no cached copy after a reconciliation sweep meets it', async () => {
    const h = await erasedButStillSearchable('crm-erased-swept');
    const backfill = new Queue(QueueNames.backfill, {
      connection: { url: h.redisUrl },
      prefix: h.prefix,
    });
    const job = await backfill.add(JobNames.contactsReconcile, {}).finally(() => backfill.close());
    const swept = await h.settled('backfill', job.id ?? '');
    expect(swept.state).toBe('completed');
    expect(swept.result).toMatchObject({ seen: 1 }); // the sweep did meet it
    await nothingLeft(h, 'crm-erased-swept');
  });

  it('leaves no mapping and no cached copy after a warm-up finds it by search', async () => {
    const h = await erasedButStillSearchable('crm-erased-warmed');
    const { jobId } = await h.producer.enqueueCacheWarm(['crm-erased-warmed']);
    const warmed = await h.settled('backfill', jobId);
    expect(warmed.state).toBe('completed');
    await nothingLeft(h, 'crm-erased-warmed');
  });
});
