/**
 * @relay/jobs/redis — the relay's Redis: connections for producers and workers (one server or
 * a cluster), memory headroom, outage logging, what a failed call means, and the pending
 * data store the producer writes (the record contract's keys are in @relay/jobs).
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
export { readRedisMemory } from './redis-memory.ts';
export {
  createRedisOutageLog,
  type OutageLogger,
  type RedisOutageLog,
  type RedisOutageLogOptions,
} from './redis-outage-log.ts';
export { createStoreGuard, type StoreGuard } from './store-guard.ts';
export { createWriteCoalescing } from './write-coalescing.ts';
