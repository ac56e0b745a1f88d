import { LANES, type Lane } from '../queues.ts';
import type { RedisClient } from '../redis/connection.ts';
import type { MemoryReading } from '../redis/memory-headroom.ts';
import { readRedisMemory } from '../redis/redis-memory.ts';
import type { StoreGuard } from '../redis/store-guard.ts';
import type { LaneQueues } from './lane-queues.ts';

/**
 * How the queues and their Redis are doing, as /readyz, the queue gauges and the admin API
 * ask: jobs per state, the oldest waiting job, paused lanes, Redis's answer and memory. Each
 * call within the store's deadline (StoreGuard).
 */
export function createQueueHealth(queues: LaneQueues, connection: RedisClient, store: StoreGuard) {
  return {
    /** Jobs per state in every lane's queue (for the relay_queue_jobs gauge and dashboards). */
    async jobCounts(): Promise<Record<Lane, Record<string, number>>> {
      const lanes = LANES;
      const counts = await Promise.all(
        lanes.map((lane) =>
          store.withDeadline(
            queues
              .get(lane)
              .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'),
          ),
        ),
      );
      return Object.fromEntries(lanes.map((lane, i) => [lane, counts[i] ?? {}])) as Record<
        Lane,
        Record<string, number>
      >;
    },

    /** Per lane, the age (ms) of the oldest job waiting to run, 0 when none waits. */
    async oldestWaitingAgeMs(): Promise<Record<Lane, number>> {
      const lanes = LANES;
      const now = Date.now();
      const ages = await Promise.all(
        lanes.map(async (lane) => {
          const [oldest] = await store.withDeadline(
            queues.get(lane).getJobs(['wait', 'prioritized'], 0, 0, true),
          );
          return oldest ? Math.max(now - oldest.timestamp, 0) : 0;
        }),
      );
      return Object.fromEntries(lanes.map((lane, i) => [lane, ages[i] ?? 0])) as Record<
        Lane,
        number
      >;
    },

    /** Round-trips to Redis; throws QUEUE_UNAVAILABLE when it does not answer. */
    async ping(): Promise<number> {
      const started = performance.now();
      try {
        await store.withDeadline(connection.ping());
      } catch (cause) {
        throw store.failure(cause);
      }
      return performance.now() - started;
    },

    /** Per lane, whether its queue is paused (for everyone: BullMQ's global pause). */
    async pausedLanes(): Promise<Record<Lane, boolean>> {
      const lanes = LANES;
      const paused = await Promise.all(
        lanes.map((lane) => store.withDeadline(queues.get(lane).isPaused())),
      );
      return Object.fromEntries(lanes.map((lane, i) => [lane, paused[i] === true])) as Record<
        Lane,
        boolean
      >;
    },

    /**
     * Redis memory use (INFO memory; on a cluster the fullest master's); maxBytes 0 when Redis
     * has no maxmemory.
     */
    async memory(): Promise<MemoryReading> {
      try {
        return await store.withDeadline(readRedisMemory(connection));
      } catch (cause) {
        throw store.failure(cause);
      }
    },
  };
}
