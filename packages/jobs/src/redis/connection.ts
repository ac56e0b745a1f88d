import type { RedisTarget } from '@relay/config';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { FailoverSafeSentinelConnector } from './sentinel-connector.ts';

/** A connection to the relay's Redis: one server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

const reconnect = (times: number) => Math.min(times * 200, 2_000);

/** How often a cluster connection asks for the slot map unprompted (one CLUSTER SLOTS). */
const SLOTS_REFRESH_MS = 5_000;

/**
 * For producers (the ingress): no offline queue and one retry, so a Redis outage fails the
 * request fast (503, the client retries) instead of holding it in memory, acknowledged but
 * not stored. No auto-pipelining: each ioredis pipeline copies every script BullMQ defines
 * on the connection (about 0.2 ms); webhooks are written together by batched-add.ts instead.
 */
export function createProducerConnection(url: string, options?: RedisOptions): Redis;
export function createProducerConnection(target: RedisTarget, options?: RedisOptions): RedisClient;
export function createProducerConnection(
  target: string | RedisTarget,
  options: RedisOptions = {},
): RedisClient {
  return connectRedis(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: reconnect,
    ...options,
  });
}

/** For workers: BullMQ requires maxRetriesPerRequest null so blocking commands survive reconnects. */
export function createWorkerConnection(url: string, options?: RedisOptions): Redis;
export function createWorkerConnection(target: RedisTarget, options?: RedisOptions): RedisClient;
export function createWorkerConnection(
  target: string | RedisTarget,
  options: RedisOptions = {},
): RedisClient {
  return connectRedis(target, { maxRetriesPerRequest: null, retryStrategy: reconnect, ...options });
}

/**
 * A primary demoted to a replica (a failover, Sentinel's or a managed service's) answers writes
 * with READONLY while the connection still points at it: that is "the primary moved", not a
 * failed command. ioredis reconnects (asking the Sentinels again where the primary is) and
 * sends the command again (2).
 */
const primaryMoved = (error: Error) => (error.message.startsWith('READONLY') ? 2 : false);

/**
 * A connection with these options to one server (a URL, or a single-mode target), to the
 * primary Sentinel names, or to a cluster. With Sentinel, ioredis asks the Sentinels for the
 * primary on every (re)connect and listens for their failover announcements
 * (`failoverDetector`), so a failover moves every connection, blocking ones included. On a
 * cluster the options that concern the whole client (offline queue, auto-pipelining,
 * reconnecting) apply to the cluster and the rest to each node's connection; the ready check
 * waits for `cluster_state:ok`.
 */
export function connectRedis(
  target: string | RedisTarget,
  options: RedisOptions = {},
): RedisClient {
  if (typeof target === 'string')
    return new Redis(target, { reconnectOnError: primaryMoved, ...options });
  if (target.mode === 'single') {
    return new Redis(target.url, { reconnectOnError: primaryMoved, ...options });
  }
  if (target.mode === 'sentinel') {
    return new Redis({
      sentinels: target.sentinels,
      name: target.name,
      db: target.db,
      failoverDetector: true,
      Connector: FailoverSafeSentinelConnector,
      reconnectOnError: primaryMoved,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(target.sentinelPassword === undefined
        ? {}
        : { sentinelPassword: target.sentinelPassword }),
      ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      ...options,
    });
  }
  const { enableAutoPipelining, enableOfflineQueue, retryStrategy, lazyConnect, ...perNode } =
    options;
  return new Cluster(target.nodes, {
    enableReadyCheck: true,
    slotsRefreshInterval: SLOTS_REFRESH_MS, // see the glossary: cluster failover
    ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    redisOptions: {
      ...perNode,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

/**
 * Resolves true once the connection is ready, false after `timeoutMs`. Without an offline
 * queue, commands sent before 'ready' fail at once, so a producer waits here at start-up.
 */
export function waitUntilReady(connection: RedisClient, timeoutMs = 5_000): Promise<boolean> {
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
