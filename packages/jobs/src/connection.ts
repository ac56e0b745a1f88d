import { Redis, type RedisOptions } from 'ioredis';

/**
 * For producers (the ingress): no offline queue and one retry, so a Redis outage fails the
 * request fast (503, the client retries) instead of holding it in memory, acknowledged but
 * not stored. Auto-pipelining sends the commands of concurrent requests in one write: a
 * socket write costs more CPU here than most of what a request does.
 */
export function createProducerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}

/** For workers: BullMQ requires maxRetriesPerRequest null so blocking commands survive reconnects. */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}

/**
 * Resolves true once the connection is ready, false after `timeoutMs`. Without an offline
 * queue, commands sent before 'ready' fail at once, so a producer waits here at start-up.
 */
export function waitUntilReady(connection: Redis, timeoutMs = 5_000): Promise<boolean> {
  if (connection.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    connection.once('ready', onReady);
  });
}
