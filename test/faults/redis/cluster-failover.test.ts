import { createWorkerConnection } from '@relay/jobs/redis';
import { startRedisCluster, type TestRedisCluster, waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ALLOWED_REFUSALS, startIntakeLoad } from './intake-load.ts';
import { PREFIX, type RelayOnRedis, startRelayOnRedis } from './relay-on-redis.ts';

let cluster: TestRedisCluster | undefined;
let relay: RelayOnRedis | undefined;

afterEach(async () => {
  await relay?.stop();
  await cluster?.stop();
  relay = undefined;
  cluster = undefined;
});

/**
 * The queues live on one shard (every key has the prefix's hash tag); its primary is killed
 * under load. Its one replica takes over within cluster-node-timeout (2 s here), and with
 * REDIS_ACK_REPLICAS=1 the ingress answers 503 until the old primary is back as the new one's
 * replica. Before the cluster fixes (issue 18) a run lost 258 acknowledged items: the replica
 * probe kept a stale slot map, and the workers spent the backlog's attempts on it.
 */
/** RELAY_LONG_TESTS=1 (nightly): the queues' primary is killed three times in a row. */
const FAILOVERS = process.env.RELAY_LONG_TESTS === '1' ? 3 : 1;

type FailoverFigures = {
  backlogAtKill: number;
  failoverMs: number;
  killToJobCompletedMs: number;
  killToAcknowledgedAgainMs: number;
  promotedPort: number;
};

describe('a Redis Cluster primary SIGKILLed under load, its replica taking over', () => {
  it(
    'with REDIS_ACK_REPLICAS=1 every acknowledged job completes once; no relay process is restarted',
    async () => {
      cluster = await startRedisCluster(3, { replicas: 1 });
      const nodes = cluster.nodes;
      relay = await startRelayOnRedis({
        redisClusterNodes: cluster.seeds,
        connect: () => createWorkerConnection({ mode: 'cluster', nodes, tls: false }),
        workers: 2,
        env: {
          REDIS_ACK_REPLICAS: '1',
          REDIS_ACK_TIMEOUT_MS: '500',
          CRM_RATE_LIMIT_PER_MINUTE: '0', // the senders retry refusals at once
          WORKER_CONCURRENCY: '4',
          JOB_LOCK_MS: '5000',
          SHUTDOWN_GRACE_MS: '3000',
        },
      });
      await relay.sim.control('POST', 'faults', { latencyMs: 30 });
      const load = startIntakeLoad({
        ingressUrl: relay.stack.ingressUrl,
        tag: 'cluster',
        concurrency: 6,
      });
      await waitFor(
        async () => load.tally.contacts.size,
        (n) => n >= 300,
        60_000,
      );
      // The shard that holds the queues (every key has the prefix's hash tag).
      const queues = `${PREFIX}:relay-webhook:id`;
      const view = relay;
      const failovers: FailoverFigures[] = [];
      let readiness: { services: { redis: unknown } } | undefined;
      let promoted = await cluster.primaryFor(queues);
      for (let round = 0; round < FAILOVERS; round += 1) {
        const primary = promoted;
        const backlogAtKill = await view.unfinishedJobs().catch(() => -1);
        await primary.kill();
        const killedAt = Date.now();
        promoted = await cluster.waitForFailover(queues, primary, 30_000);
        const failoverMs = Date.now() - killedAt;
        const completedAtKill = await view.completedJobs().catch(() => 0);
        await view.nextCompletion(completedAtKill, 60_000);
        const killToJobCompletedMs = Date.now() - killedAt;
        // The old primary comes back as the new one's replica: acknowledgements need it.
        await primary.restart();
        await load.acknowledgedMore(100, 120_000);
        const killToAcknowledgedAgainMs = Date.now() - killedAt;
        failovers.push({
          backlogAtKill,
          failoverMs,
          killToJobCompletedMs,
          killToAcknowledgedAgainMs,
          promotedPort: promoted.port,
        });
        // Readiness names the promoted primary and its replica (the old primary, back).
        readiness = (await (await fetch(`${view.stack.ingressUrl}/readyz`)).json()) as {
          services: { redis: unknown };
        };
      }
      const tally = await load.stop();
      await relay.sim.control('DELETE', 'faults');
      expect(await view.drained(90_000)).toBe(0);
      const accounting = await relay.account(tally);
      console.log(
        `cluster failover ×${FAILOVERS} (REDIS_ACK_REPLICAS=1):`,
        JSON.stringify({
          requestsSent: tally.sent,
          requestsAcknowledged: tally.acknowledged,
          refused: tally.refused,
          refusalMessages: tally.refusalMessages,
          itemsAcknowledged: accounting.acknowledgedItems,
          processed: accounting.processed,
          lost: accounting.lost,
          doubled: accounting.doubled,
          failovers,
        }),
      );
      for (const kind of Object.keys(tally.refused)) expect(ALLOWED_REFUSALS).toContain(kind);
      expect(tally.refusedWithoutRetryAfter).toBe(0);
      expect(accounting.examples).toEqual([]);
      expect(readiness?.services.redis).toMatchObject({
        status: 'up',
        mode: 'cluster',
        primary: `127.0.0.1:${promoted.port}`,
        replicas: { linked: 1, confirming: 1, required: 1 },
      });
      expect(accounting.lost).toBe(0);
      expect(accounting.doubled).toBe(0);
    },
    300_000 * FAILOVERS,
  );
});
