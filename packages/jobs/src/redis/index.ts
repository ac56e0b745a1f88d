/**
 * @relay/jobs/redis — the relay's Redis: connections for producers and workers (one server, a
 * primary behind Sentinel, or a cluster), memory headroom, outage logging, what a failed call
 * means, replica confirmation, and the pending data store the producer writes (the record
 * contract's keys are in @relay/jobs).
 *
 * Glossary:
 * - replica confirmation: Redis replicates asynchronously, so a write the primary answered
 *   is lost if the primary dies before a replica has it and a replica takes over. With
 *   REDIS_ACK_REPLICAS=N the ingress answers 2xx only after Redis's WAIT says N replicas
 *   hold its jobs (replica-confirm.ts), else 503: a job acknowledged is a job a failover
 *   keeps. A 503'd store that did reach Redis is harmless: the sender retries and the job id
 *   makes the retry a duplicate.
 * - cluster failover: when a Redis Cluster primary dies, its replica takes its slots after
 *   cluster-node-timeout. Meanwhile ioredis routes by a stale slot map, retries a command
 *   a few times (MOVED, CLUSTERDOWN, a closed connection) and then fails it with an Error of
 *   its own ("Too many Cluster redirections…"): that is Redis unavailable (503, retry), not
 *   a bug. A connection that only talks to one node (the replica probe) never has its map
 *   corrected by a redirect, so it asks for the map again after a failure, and every
 *   cluster connection also does so every few seconds (`slotsRefreshInterval`).
 * - Sentinel reconnect race: behind Sentinel, ioredis keeps a failover detector per
 *   connection (subscribed to the Sentinels' +switch-master) so that a connection to a hung
 *   primary moves too. When the primary dies, the lost connection's detector stays
 *   subscribed while the connection reconnects; if the failover is announced while a
 *   reconnect is asking the Sentinels where the primary is, the detector cancels that
 *   attempt and ioredis ends the connection for good: every later command fails with
 *   "Connection is closed." until the process restarts (the symptom of ioredis issue 1683;
 *   in the Sentinel fault test, the ingress and workers stuck under load).
 *   sentinel-connector.ts stops the stale detector before each reconnect.
 */
export {
  connectRedis,
  createProducerConnection,
  createWorkerConnection,
  type RedisClient,
  waitUntilReady,
} from './connection.ts';
export {
  createMemoryHeadroom,
  type MemoryHeadroom,
  type MemoryHeadroomOptions,
  type MemoryReading,
  parseMemoryInfo,
  REDIS_FILLING_RATIO,
  REDIS_FULL_RATIO,
} from './memory-headroom.ts';
export { createPendingStore } from './pending-store.ts';
export { isRedisUnavailableError } from './redis-failure.ts';
export { readRedisMemory } from './redis-memory.ts';
export {
  createRedisOutageLog,
  type OutageLogger,
  type RedisOutageLog,
  type RedisOutageLogOptions,
} from './redis-outage-log.ts';
export {
  createReplicaConfirm,
  type ReplicaConfirm,
  type ReplicaConfirmOptions,
} from './replica-confirm.ts';
export { createStoreGuard, type StoreGuard } from './store-guard.ts';
export { createWriteCoalescing } from './write-coalescing.ts';
