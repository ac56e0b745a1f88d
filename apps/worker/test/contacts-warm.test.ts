import { createContactDirectory } from '@relay/sync';
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
    await harness.sim.api('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-warm',
      name: 'Warm',
    });
    const { jobId } = await harness.producer.enqueueCacheWarm(['crm-warm', 'crm-nobody']);
    const redis = new Redis(harness.redisUrl);
    try {
      expect((await harness.settled('backfill', jobId, 10_000)).result).toEqual({
        warmed: 1,
        missing: 1,
      });
      // A cache with no way to Intercom answers only from what was loaded.
      const cache = createContactDirectory({
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
    }
  });
});
