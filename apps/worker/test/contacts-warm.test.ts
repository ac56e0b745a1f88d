import { QueueNames } from '@relay/jobs';
import { createContactCache } from '@relay/sync';
import { waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('contacts.warm', () => {
  it('loads the listed contacts into the read cache and counts those Intercom lacks', async () => {
    harness = await startWorkerHarness();
    await harness.intercomApi('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-warm',
      name: 'Warm',
    });
    const { jobId } = await harness.producer.enqueueCacheWarm(['crm-warm', 'crm-nobody']);
    const queue = new Queue(QueueNames.backfill, {
      connection: { url: harness.redisUrl },
      prefix: harness.prefix,
    });
    const redis = new Redis(harness.redisUrl);
    try {
      await waitFor(
        async () => (await queue.getJob(jobId))?.getState(),
        (state) => state === 'completed' || state === 'failed',
        10_000,
      );
      expect((await queue.getJob(jobId))?.returnvalue).toEqual({ warmed: 1, missing: 1 });
      // A cache with no way to Intercom answers only from what was loaded.
      const cache = createContactCache({
        redis,
        prefix: harness.prefix,
        contacts: harness.contacts,
      });
      expect(await cache.get('crm-warm')).toMatchObject({
        stale: false,
        contact: { name: 'Warm' },
      });
    } finally {
      redis.disconnect();
      await queue.close();
    }
  });
});
