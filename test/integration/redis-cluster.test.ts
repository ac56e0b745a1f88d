import { createRateBudget } from '@relay/intercom';
import { readRedisMemory } from '@relay/jobs/redis';
import { createContactState } from '@relay/sync';
import { hasRedisServerBinary, startRedisCluster, type TestRedisCluster } from '@relay/testkit';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterAway } from './cluster-nodes.ts';

// A cluster needs redis-server and redis-cli here (REDIS_URL alone is one server).
const canRunCluster = hasRedisServerBinary();
if (!canRunCluster) console.warn('redis-cluster tests skipped: redis-server is not installed');

let cluster: TestRedisCluster;
const clients: Cluster[] = [];

function connect() {
  const client = cluster.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  if (canRunCluster) cluster = await startRedisCluster(3);
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await cluster?.stop();
});

const HOUR = 3_600_000;

describe.skipIf(!canRunCluster)('on a 3-node Redis Cluster', () => {
  it('shares one budget (app and workspace keys in one slot) between processes', async () => {
    const options = {
      prefix: '{relay}',
      appId: 'cluster-app',
      workspaceId: 'cluster-ws',
      workspaceLimitPerWindow: 1_000,
      limitPerWindow: 40,
      windowMs: HOUR,
      headroom: 0,
      lanes: ['urgent'],
    };
    const a = createRateBudget({ redis: connect(), ...options });
    const b = createRateBudget({ redis: connect(), ...options });
    const permits = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).acquire('urgent')),
    );
    expect(permits.filter((permit) => permit.granted)).toHaveLength(40);
    await a.observe({ limit: 40, remaining: 0, resetAtMs: Date.now() + 60_000 }, 429);
    expect((await b.state()).closedUntil).toBeGreaterThan(Date.now());
  });

  it('refuses a prefix without a hash tag: the keys would land on different nodes', async () => {
    const untagged = createRateBudget({
      redis: connect(),
      prefix: 'relay',
      appId: 'app-a',
      workspaceId: 'workspace-b',
      workspaceLimitPerWindow: 100,
      limitPerWindow: 10,
      windowMs: HOUR,
      lanes: ['urgent'],
    });
    await expect(untagged.acquire('urgent')).rejects.toThrow(/CROSSSLOT/);
  });

  it('keeps contact state, its lock and its pending data', async () => {
    const state = createContactState(connect(), '{relay}');
    await state.storePending({ external_id: 'crm-cluster', name: 'A' });
    const read = await state.lockAndRead('crm-cluster', 'job-1', 10_000);
    expect(read?.pending).toEqual({ external_id: 'crm-cluster', name: 'A' });
    expect(await state.lockAndRead('crm-cluster', 'job-2', 10_000)).toBeUndefined();
    await state.finish('crm-cluster', 'job-1', read?.pendingSeq ?? '', 'ic-1', 'hash-1');
    expect(await state.lockAndRead('crm-cluster', 'job-2', 10_000)).toEqual({
      intercomId: 'ic-1',
      syncedHash: 'hash-1',
    });
  });

  it('reads memory from the fullest master, whichever node holds the queues', async () => {
    const client = connect();
    const node = await masterAway(client, '{relay}');
    const used = Number(/^used_memory:(\d+)/m.exec(await node.info('memory'))?.[1]);
    const maxBytes = Math.ceil(used * 2);
    await node.config('SET', 'maxmemory', String(maxBytes));
    try {
      for (let i = 0; i < 10; i += 1) {
        // INFO without a key reaches one node at random; every reading must be this one's.
        expect((await readRedisMemory(client)).maxBytes).toBe(maxBytes);
      }
    } finally {
      await node.config('SET', 'maxmemory', '0');
    }
  });
});
