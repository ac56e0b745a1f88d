import { Redis } from 'ioredis';
import type { RedisClient } from './connection.ts';

/**
 * Returns `hold()`: called before sending commands, it corks the connection's socket until
 * the end of this event-loop turn, so every command of the turn (a burst of webhooks, the
 * items of a CRM batch) goes out in one write instead of one write each — on this machine
 * a socket write costs more CPU than storing a job. Commands BullMQ sends a few microtasks
 * later are still in the turn. Not ioredis auto-pipelining: each of its pipelines copies
 * every script BullMQ defines on the connection (64 of them, 0.2–0.4 ms per pipeline).
 * On a cluster the commands go to several nodes' sockets and are written one by one.
 */
export function createWriteCoalescing(connection: RedisClient): () => void {
  return () => {
    if (!(connection instanceof Redis) || connection.status !== 'ready') return;
    const stream = connection.stream;
    // Per socket, not per caller: the producer and its webhook batches share one connection.
    if (held.has(stream)) return;
    held.add(stream);
    stream.cork();
    setImmediate(() => {
      held.delete(stream);
      stream.uncork();
    });
  };
}

const held = new WeakSet<object>();
