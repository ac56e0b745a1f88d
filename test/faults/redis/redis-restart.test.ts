import { setTimeout as sleep } from 'node:timers/promises';
import { E2E_CRM_TOKEN, useRedis, waitFor } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayOnRedis, startRelayOnRedis } from './relay-on-redis.ts';

const redis = useRedis({ server: true });
let relay: RelayOnRedis;

beforeAll(async () => {
  relay = await startRelayOnRedis({
    redisUrl: redis.url,
    workers: 2,
    env: { WORKER_CONCURRENCY: '4', JOB_LOCK_MS: '5000', SHUTDOWN_GRACE_MS: '3000' },
  });
}, 60_000);

afterAll(async () => {
  await relay?.stop();
});

async function push(externalIds: string[]) {
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts: externalIds.map((id) => ({ external_id: id, name: id })) }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { accepted?: unknown[]; error?: { code: string } },
  };
}

async function readiness() {
  const response = await fetch(`${relay.stack.ingressUrl}/readyz`);
  const body = (await response.json()) as {
    status: string;
    services: { redis: { status: string } };
  };
  return { status: response.status, ready: body.status, redis: body.services.redis.status };
}

async function synced(externalIds: string[]): Promise<number> {
  const { contacts } = await relay.sim.contacts();
  const there = new Set(contacts.map(({ contact }) => contact.external_id));
  return externalIds.filter((id) => there.has(id)).length;
}

const ids = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe.each([
  { downMs: 3_000, tag: 'down3s' },
  { downMs: 15_000, tag: 'down15s' },
])('Redis down for $downMs ms, then back on the same port and data', ({ downMs, tag }) => {
  it('the ingress and the workers recover without a restart: readiness, new pushes, work in flight', async () => {
    expect((await readiness()).ready).toBe('healthy');
    // Work in flight when Redis dies: the simulator is slow enough that jobs are still queued.
    await relay.sim.control('POST', 'faults', { latencyMs: 100 });
    const before = ids(`${tag}-before`, 30);
    expect((await push(before)).status).toBe(202);

    const pids = [relay.stack.ingress, ...relay.stack.workers].map((p) => p.child.pid);
    await redis.server.kill();
    const downSince = Date.now();
    const refused = await push(ids(`${tag}-down`, 3));
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('QUEUE_UNAVAILABLE');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    const down = await readiness();
    expect(down).toEqual({ status: 503, ready: 'unhealthy', redis: 'down' });
    await sleep(Math.max(0, downMs - (Date.now() - downSince)));
    await redis.server.restart();
    const restartedAt = Date.now();
    await relay.sim.control('DELETE', 'faults');

    const back = await waitFor(readiness, (r) => r.ready === 'healthy', 30_000, 250);
    expect(back).toEqual({ status: 200, ready: 'healthy', redis: 'up' });
    const readyAfterMs = Date.now() - restartedAt;
    const after = ids(`${tag}-after`, 30);
    const accepted = await push(after);
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted).toHaveLength(30);

    const all = [...before, ...after];
    const count = await waitFor(
      () => synced(all),
      (n) => n === all.length,
      60_000,
      250,
    );
    if (count !== all.length) {
      // What a failure needs to be understood: which work is missing, and what the workers said.
      const missing = {
        before: before.length - (await synced(before)),
        after: after.length - (await synced(after)),
        unfinishedJobs: await relay.unfinishedJobs(),
      };
      console.log('not synced:', JSON.stringify(missing));
      for (const worker of relay.stack.workers) console.log(worker.tail());
    }
    expect(count).toBe(all.length);
    console.log(
      `redis down ${downMs} ms:`,
      JSON.stringify({ readyAfterMs, allSyncedAfterMs: Date.now() - restartedAt }),
    );
    // The same processes did it: none of them was restarted.
    for (const [i, p] of [relay.stack.ingress, ...relay.stack.workers].entries()) {
      expect(p.child.pid).toBe(pids[i]);
      expect(p.child.exitCode).toBeNull();
    }
  }, 90_000);
});
