import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LANES, type Lane } from '../queues.ts';
import { primaryHolding } from '../redis/cluster-slot.ts';
import type { RedisClient } from '../redis/connection.ts';
import type { MemoryReading } from '../redis/memory-headroom.ts';
import { readRedisMemory } from '../redis/redis-memory.ts';
import type { StoreGuard } from '../redis/store-guard.ts';
import type { LaneQueues } from './lane-queues.ts';

/** The job states a lane's health counts. */
const COUNTED = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

export type LaneCounts = Record<(typeof COUNTED)[number], number>;

/** A lane's jobs per state. */
export async function laneCounts(queue: Queue): Promise<LaneCounts> {
  const counts = await queue.getJobCounts(...COUNTED);
  return Object.fromEntries(COUNTED.map((state) => [state, counts[state] ?? 0])) as LaneCounts;
}

/** The age (ms) of a lane's oldest job waiting to run (waiting or prioritized), 0 when none waits. */
export async function oldestWaitingMs(queue: Queue, now = Date.now()): Promise<number> {
  const oldest = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
  const created = Math.min(...oldest.filter(Boolean).map((job) => job.timestamp));
  return Number.isFinite(created) ? Math.max(now - created, 0) : 0;
}

/**
 * How the queues and their Redis are doing, as /readyz and the queue gauges ask (the admin
 * API reads each lane with the same functions): jobs per state, the oldest waiting job, paused
 * lanes, Redis's answer and memory. Each call within the store's deadline (StoreGuard).
 */
export function createQueueHealth(queues: LaneQueues, connection: RedisClient, store: StoreGuard) {
  /** One reading per lane, within the deadline, as a record by lane. */
  async function perLane<T>(read: (queue: Queue) => Promise<T>): Promise<Record<Lane, T>> {
    const values = await Promise.all(
      LANES.map((lane) => store.withDeadline(read(queues.get(lane)))),
    );
    return Object.fromEntries(LANES.map((lane, i) => [lane, values[i]])) as Record<Lane, T>;
  }

  return {
    /** Jobs per state in every lane's queue (for the relay_queue_jobs gauge and dashboards). */
    jobCounts: (): Promise<Record<Lane, Record<string, number>>> => perLane(laneCounts),

    /** Per lane, the age (ms) of the oldest job waiting to run, 0 when none waits. */
    oldestWaitingAgeMs: (): Promise<Record<Lane, number>> => {
      const now = Date.now();
      return perLane((queue) => oldestWaitingMs(queue, now));
    },

    /** Per lane, whether its queue is paused (for everyone: BullMQ's global pause). */
    pausedLanes: (): Promise<Record<Lane, boolean>> => perLane((queue) => queue.isPaused()),

    /** Round-trips to Redis; throws QUEUE_UNAVAILABLE when it does not answer. */
    async ping(): Promise<number> {
      const started = performance.now();
      await store.guard(connection.ping());
      return performance.now() - started;
    },

    /**
     * Redis memory use (INFO memory; on a cluster the fullest master's); maxBytes 0 when Redis
     * has no maxmemory.
     */
    memory: (): Promise<MemoryReading> => store.guard(readRedisMemory(connection)),

    /**
     * The primary holding the queues (`host:port`: after a failover, the promoted one) and
     * its replicas: how many are linked, and how many can confirm stores (REDIS_ACK_REPLICAS):
     * online (synced, streaming) and heard from within 2 s (a replica acknowledges every
     * second; a stopped or cut-off one stays "online" until the primary's repl-timeout).
     */
    async replication(): Promise<{ primary: string; linked: number; confirming: number }> {
      const node = primaryHolding(connection, queues.get('webhook').toKey(''));
      const info = await store.guard(node.info('replication'));
      const lags = [...info.matchAll(/^slave\d+:.*state=online.*lag=(\d+)/gm)];
      return {
        primary: addressOf(node),
        linked: Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0),
        confirming: lags.filter((match) => Number(match[1]) <= 2).length,
      };
    },
  };
}

/** Where a connection is connected: its socket's peer (behind Sentinel, the primary found). */
function addressOf(node: Redis): string {
  const { remoteAddress, remotePort } = node.stream ?? {};
  if (remoteAddress && remotePort) return `${remoteAddress}:${remotePort}`;
  return `${node.options.host}:${node.options.port}`;
}
