import { Queue } from 'bullmq';
import { LANES, type Lane, QueueNames } from '../queues.ts';
import type { RedisClient } from '../redis/connection.ts';

/** Every lane's BullMQ queue, on one connection: the one lane → Queue map. */
export type LaneQueues = {
  get(lane: Lane): Queue;
  all(): Queue[];
  close(): Promise<void>;
};

/**
 * Opens a queue per lane up front: BullMQ waits for 'ready' when a queue first connects,
 * without a timeout. A queue's errors surface through the call that fails, not as events.
 */
export function openLaneQueues(connection: RedisClient, prefix: string): LaneQueues {
  const queues = new Map<Lane, Queue>(
    LANES.map((lane) => {
      const queue = new Queue(QueueNames[lane], { connection, prefix });
      queue.on('error', () => {});
      return [lane, queue];
    }),
  );
  return {
    get: (lane) => queues.get(lane) as Queue,
    all: () => [...queues.values()],
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
