import { isAppError } from '@relay/errors';
import {
  type RedisServer,
  startRedisCluster,
  startRedisReplica,
  startRedisServer,
} from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplicaConfirm } from '../src/redis/replica-confirm.ts';

let primary: RedisServer;
let replica: RedisServer;
let writer: Redis;
let confirmer: Redis;

beforeAll(async () => {
  primary = await startRedisServer();
  replica = await startRedisReplica(primary);
  writer = new Redis(primary.url);
  confirmer = new Redis(primary.url);
});

afterAll(async () => {
  writer.disconnect();
  confirmer.disconnect();
  await replica?.stop();
  await primary?.stop();
});

describe('replica confirmation (REDIS_ACK_REPLICAS)', () => {
  it('resolves once the replica holds what another connection wrote; one WAIT serves many callers', async () => {
    const waits: string[] = [];
    const confirm = createReplicaConfirm({
      connection: confirmer,
      prefix: '{test}',
      replicas: 1,
      timeoutMs: 2_000,
      observe: (outcome) => waits.push(outcome),
    });
    const keys = Array.from({ length: 50 }, (_, i) => `{test}:job:${i}`);
    await Promise.all(
      keys.map(async (key) => {
        await writer.set(key, 'stored');
        await confirm();
      }),
    );
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.length).toBeLessThan(keys.length / 5); // batched, not a WAIT per caller
    expect(waits.every((outcome) => outcome === 'confirmed')).toBe(true);
    const onReplica = new Redis(replica.url);
    expect(await onReplica.mget(...keys)).toEqual(keys.map(() => 'stored'));
    onReplica.disconnect();
  });

  it('rejects with a retryable QUEUE_UNAVAILABLE when the replica does not confirm in time', async () => {
    const confirm = createReplicaConfirm({
      connection: confirmer,
      prefix: '{test}',
      replicas: 1,
      timeoutMs: 300,
    });
    replica.pause();
    try {
      await writer.set('{test}:late', 'stored');
      const started = Date.now();
      const error = await confirm().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(isAppError(error) && error.code).toBe('QUEUE_UNAVAILABLE');
      expect(isAppError(error) && error.retryable).toBe(true);
      expect(isAppError(error) && error.retryAfterMs).toBeGreaterThan(0);
      expect(isAppError(error) && error.details).toEqual({
        replicasRequired: 1,
        replicasConfirmed: 0,
      });
    } finally {
      replica.resume();
    }
    // Back: the next confirmation goes through.
    await confirm();
  });
});

describe('replica confirmation on a Redis Cluster', () => {
  it("finds the queues' new primary after a failover, with no command of its own redirected", async () => {
    const cluster = await startRedisCluster(3, { replicas: 1 });
    // The test kit's client has no periodic slot refresh: what finds the new primary is the
    // probe's own refresh after a failure (see the glossary: cluster failover).
    const connection = cluster.connect();
    connection.on('error', () => {});
    await new Promise((resolve) => connection.once('ready', resolve));
    try {
      const confirm = createReplicaConfirm({
        connection,
        prefix: '{test}',
        replicas: 1,
        timeoutMs: 500,
      });
      await confirm();
      const primary = await cluster.primaryFor('{test}:replica-probe');
      await primary.kill();
      await cluster.waitForFailover('{test}:replica-probe', primary);
      await primary.restart(); // it rejoins as the new primary's replica: WAIT 1 can succeed
      const deadline = Date.now() + 30_000;
      let confirmed = false;
      while (!confirmed && Date.now() < deadline) {
        confirmed = await confirm().then(
          () => true,
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 200));
            return false;
          },
        );
      }
      expect(confirmed).toBe(true);
    } finally {
      connection.disconnect();
      await cluster.stop();
    }
  }, 90_000);
});
