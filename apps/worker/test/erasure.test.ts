import { createContactDirectory, createErasureAudit } from '@relay/sync';
import { dumpKeys } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  redis?.disconnect();
  await harness?.close();
  harness = undefined;
});

const PERSON = {
  external_id: 'crm-gdpr',
  email: 'grace.hopper@example.com',
  name: 'Grace Hopper',
  phone: '+15550100',
  custom_attributes: { favourite_ship: 'USS Hopper' },
};

async function erase(externalId: string) {
  const h = harness as NonNullable<typeof harness>;
  const { jobId } = await h.producer.enqueueErasure(externalId);
  const { state, result, reason } = await h.settled('erasure', jobId);
  return { jobId, state, result, reason };
}

describe('GDPR erasure, end to end', () => {
  it('deletes the contact in Intercom and leaves no personal data of it in Redis', async () => {
    // This worker leaves the backfill lane alone, so a queued backfill job is still there.
    harness = await startWorkerHarness([], { WORKER_LANES: 'erasure,webhook,sync' });
    await harness.producer.enqueueContactUpserts([PERSON]);
    await harness.drained();
    await harness.producer.enqueueEvents([
      { event_name: 'ship-launched', external_id: PERSON.external_id, created_at: 1_764_000_000 },
    ]);
    await harness.drained();
    await harness.producer.enqueueContactUpserts(
      [{ ...PERSON, name: 'Rear Admiral Hopper' }],
      'backfill',
    );
    expect(await harness.simContacts()).toHaveLength(1);
    // A copy in the read cache, as a webhook or a read would leave it.
    const [synced] = await harness.simContacts();
    const cacheConnection = new Redis(harness.redisUrl);
    await createContactDirectory({
      redis: cacheConnection,
      prefix: harness.prefix,
      contacts: harness.contacts,
    }).learn(PERSON.external_id, { ...PERSON, id: synced?.id ?? '' });
    cacheConnection.disconnect();
    expect((await harness.contacts.intercomId(PERSON.external_id)) !== undefined).toBe(true);

    const erased = await erase(PERSON.external_id);
    expect(erased.state).toBe('completed');
    expect(erased.result).toMatchObject({
      outcome: 'deleted',
      jobsRemoved: 3, // the create, the event, the queued backfill update
      intercomRequestId: expect.stringMatching(/\S+/),
    });
    expect(await harness.simContacts()).toHaveLength(0);

    redis = new Redis(harness.redisUrl);
    const dump = await dumpKeys(redis, harness.prefix);
    const everything = [...dump.values()].join('\n');
    for (const personal of [
      'grace.hopper@example.com',
      'Grace Hopper',
      'Rear Admiral',
      '+15550100',
      'USS Hopper',
    ]) {
      expect(everything).not.toContain(personal);
    }
    // The external id remains only where the erasure itself is recorded: the audit, the
    // erasure job, and the change feed's `contact.erased` (ids only).
    const naming = [...dump.entries()].filter(([, text]) => text.includes(PERSON.external_id));
    for (const [key] of naming) {
      const recordsErasure =
        key === `${harness.prefix}:audit:erasure` ||
        key === `${harness.prefix}:feed:log` ||
        key.includes(`:${erased.jobId}`);
      expect(recordsErasure).toBe(true);
    }
    const feed = await redis.xrange(`${harness.prefix}:feed:log`, '-', '+');
    const feedNaming = feed.filter(([, fields]) => fields.join(' ').includes(PERSON.external_id));
    expect(feedNaming.map(([, fields]) => JSON.parse(fields[1] ?? '{}').type)).toEqual([
      'contact.erased',
    ]);

    const audit = await createErasureAudit(redis, harness.prefix).list({
      externalId: PERSON.external_id,
    });
    expect(audit).toEqual([
      expect.objectContaining({
        externalId: PERSON.external_id,
        outcome: 'deleted',
        jobId: erased.jobId,
        jobsRemoved: 3,
        intercomRequestId: erased.result.intercomRequestId,
      }),
    ]);
  });

  it('records a contact Intercom never had as not found, and a second erasure as done too', async () => {
    harness = await startWorkerHarness();
    const unknown = await erase('crm-never-synced');
    expect(unknown).toMatchObject({
      state: 'completed',
      result: { outcome: 'not_found', jobsRemoved: 0 },
    });

    await harness.producer.enqueueContactUpserts([{ external_id: 'crm-twice', name: 'Twice' }]);
    await harness.drained();
    expect((await erase('crm-twice')).result.outcome).toBe('deleted');
    expect((await erase('crm-twice')).result.outcome).toBe('not_found');
  });
});
