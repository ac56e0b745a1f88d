import { type RedisServer, startRedisServer, waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ALLOWED_REFUSALS, refusals, startIntakeLoad } from './intake-load.ts';
import { type RelayOnRedis, startRelayOnRedis } from './relay-on-redis.ts';

let redis: RedisServer | undefined;
let relay: RelayOnRedis | undefined;

afterEach(async () => {
  await relay?.stop();
  await redis?.stop();
  relay = undefined;
  redis = undefined;
});

/**
 * Pushes and webhooks flow while the workers lag behind (the simulator answers slowly), so
 * acknowledged jobs are waiting in Redis when it is killed with SIGKILL; it stays down while
 * the load goes on, then restarts on the same port and data directory.
 */
async function killRedisUnderLoad(appendonly: boolean, tag: string) {
  // On tmpfs: a busy disk would have Redis postpone its AOF write while it answers (see
  // memoryBacked, and RELIABILITY.md "Not covered here"); this tests what the relay acknowledges.
  redis = await startRedisServer({ appendonly, memoryBacked: true });
  relay = await startRelayOnRedis({
    redisUrl: redis.url,
    workers: 2,
    env: { WORKER_CONCURRENCY: '4', JOB_LOCK_MS: '5000', SHUTDOWN_GRACE_MS: '3000' },
  });
  await relay.sim.control('POST', 'faults', { latencyMs: 30 });
  const load = startIntakeLoad({ ingressUrl: relay.stack.ingressUrl, tag, concurrency: 6 });

  await waitFor(
    async () => load.tally.contacts.size,
    (n) => n >= 400,
    60_000,
  );
  const backlogAtKill = await relay.unfinishedJobs();
  await redis.kill();
  const refusedBefore = refusals(load.tally);
  await waitFor(
    async () => refusals(load.tally) - refusedBefore,
    (n) => n >= 20,
    20_000,
  );
  await redis.restart();
  const ackedAtRestart = load.tally.contacts.size;
  await waitFor(
    async () => load.tally.contacts.size - ackedAtRestart,
    (n) => n >= 150,
    60_000,
  );
  const tally = await load.stop();
  await relay.sim.control('DELETE', 'faults');
  expect(await relay.drained(60_000)).toBe(0);
  const accounting = await relay.account(tally);
  console.log(
    `redis SIGKILL (appendonly ${appendonly ? 'everysec' : 'off'}):`,
    JSON.stringify({
      requestsSent: tally.sent,
      requestsAcknowledged: tally.acknowledged,
      refused: tally.refused,
      itemsAcknowledged: accounting.acknowledgedItems,
      processed: accounting.processed,
      lost: accounting.lost,
      backlogAtKill,
    }),
  );
  return { tally, accounting, backlogAtKill };
}

describe('Redis killed (SIGKILL) while the ingress is under load, then restarted', () => {
  it('processes every acknowledged push and webhook with AOF everysec; the rest were refused with 503 or no answer', async () => {
    const { tally, accounting, backlogAtKill } = await killRedisUnderLoad(true, 'aof');
    expect(backlogAtKill).toBeGreaterThan(0); // acknowledged jobs were waiting when it died
    expect(refusals(tally)).toBeGreaterThan(0);
    for (const kind of Object.keys(tally.refused)) expect(ALLOWED_REFUSALS).toContain(kind);
    expect(tally.refusedWithoutRetryAfter).toBe(0);
    expect(accounting.examples).toEqual([]);
    expect(accounting.lost).toBe(0);
    expect(accounting.processed).toBe(accounting.acknowledgedItems);
  }, 150_000);

  it('sees acknowledged work lost without persistence (so the check above can see loss at all)', async () => {
    const { accounting, backlogAtKill } = await killRedisUnderLoad(false, 'nopersist');
    expect(backlogAtKill).toBeGreaterThan(0);
    expect(accounting.lost).toBeGreaterThan(0);
  }, 150_000);
});
