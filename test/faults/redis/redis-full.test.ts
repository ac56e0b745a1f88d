import { E2E_CRM_TOKEN, useRedis, waitFor } from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntakeLoad } from './intake-load.ts';
import { redisMemory } from './redis-memory.ts';
import { type RelayOnRedis, startRelayOnRedis } from './relay-on-redis.ts';

// 5 % of it (the room left to the workers) is several times what intake adds between two samples.
const MAXMEMORY_BYTES = 64 * 1024 * 1024;

const redis = useRedis({ server: { maxmemory: String(MAXMEMORY_BYTES) } });
let relay: RelayOnRedis;
let admin: Redis;
let memory: ReturnType<typeof redisMemory>['memory'];
let oomRefusals: ReturnType<typeof redisMemory>['oomRefusals'];
let fillTo: ReturnType<typeof redisMemory>['fillTo'];

beforeAll(async () => {
  admin = redis.client;
  ({ memory, oomRefusals, fillTo } = redisMemory(admin));
  relay = await startRelayOnRedis({
    redisUrl: redis.url,
    workers: 2,
    env: {
      WORKER_CONCURRENCY: '4',
      SHUTDOWN_GRACE_MS: '3000',
      // A webhook's outcome is read from its kept completed job. Under pressure the workers
      // keep 1,000 per queue (retention-pressure.test.ts tests that): a clean-clone CI run
      // acknowledged 1,025 webhooks, the oldest 24 were trimmed after completing, and the
      // accounting took them for lost. Here every completed job stays.
      JOB_KEEP_COMPLETED_UNDER_PRESSURE_COUNT: '1000000',
      JOB_KEEP_COMPLETED_UNDER_PRESSURE_MS: '86400000',
    },
  });
}, 60_000);

afterAll(async () => {
  await relay?.stop();
});

describe('Redis full (maxmemory, noeviction)', () => {
  it('refuses intake with 503 and Retry-After before Redis refuses a write; workers drain; reads work; nothing acknowledged is lost', async () => {
    await relay.sim.control('POST', 'faults', { latencyMs: 20 }); // workers lag behind intake
    await fillTo(0.85);
    let peakRatio = 0;
    let backlogAtRefusal = 0;
    const sampler = setInterval(() => {
      void memory().then(
        (m) => {
          peakRatio = Math.max(peakRatio, m.used / m.max);
        },
        () => {},
      );
    }, 100);
    const load = startIntakeLoad({
      ingressUrl: relay.stack.ingressUrl,
      tag: 'full',
      concurrency: 6,
    });
    try {
      const refusedAt = await waitFor(
        async () => Object.values(load.tally.refused).reduce((a, b) => a + b, 0),
        (n) => n > 0,
        60_000,
      );
      expect(refusedAt).toBeGreaterThan(0);
      backlogAtRefusal = await relay.unfinishedJobs();
      const firstAcked = [...load.tally.contacts.keys()][0];

      // While intake is refused: readiness says why, reads still answer.
      const ready = await fetch(`${relay.stack.ingressUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(
        ((await ready.json()) as { services: { redis: { status: string } } }).services.redis,
      ).toMatchObject({ status: 'full' });
      const jobs = await fetch(
        `${relay.stack.ingressUrl}/v1/jobs/contact-0000000000000000-missing`,
        {
          headers: { authorization: `Bearer ${E2E_CRM_TOKEN}` },
        },
      );
      expect(jobs.status).toBe(404); // a read, answered (not 503)
      expect(firstAcked).toBeDefined();

      await waitFor(
        async () => Object.values(load.tally.refused).reduce((a, b) => a + b, 0),
        (n) => n >= 100,
        60_000,
      );
    } finally {
      await load.stop();
    }
    const tally = load.tally;
    await relay.sim.control('DELETE', 'faults');
    // The backlog drains while Redis stays nearly full.
    const unfinished = await waitFor(relay.unfinishedJobs, (n) => n === 0, 60_000, 250);
    clearInterval(sampler);
    const accounting = await relay.account(tally);
    const oom = await oomRefusals();
    console.log(
      'redis full:',
      JSON.stringify({
        requestsSent: tally.sent,
        requestsAcknowledged: tally.acknowledged,
        refused: tally.refused,
        itemsAcknowledged: accounting.acknowledgedItems,
        processed: accounting.processed,
        lost: accounting.lost,
        peakMemoryRatio: Math.round(peakRatio * 1000) / 1000,
        oomRefusals: oom,
        backlogAtRefusal,
      }),
    );

    expect(Object.keys(tally.refused)).toEqual(['503 QUEUE_UNAVAILABLE']);
    expect(tally.refusedWithoutRetryAfter).toBe(0);
    expect(oom).toBe(0); // Redis itself never had to refuse a write
    expect(backlogAtRefusal).toBeGreaterThan(0); // the workers drained it while Redis was full
    expect(unfinished).toBe(0);
    expect(accounting.examples).toEqual([]);
    expect(accounting.lost).toBe(0);
  }, 150_000);
});
