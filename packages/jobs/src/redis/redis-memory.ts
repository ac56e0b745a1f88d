import { Cluster } from 'ioredis';
import type { RedisClient } from './connection.ts';
import { type MemoryReading, parseMemoryInfo } from './memory-headroom.ts';

/**
 * Redis memory use from `INFO memory`; maxBytes 0 when Redis has no maxmemory. On a cluster,
 * the fullest master's: the queues live in one slot, on one master, but any master that
 * reaches `maxmemory` refuses the writes that land on it (with `noeviction`), so the
 * relay is as full as its fullest node. `INFO` has no key: sent to the cluster client it
 * would reach one node picked at random.
 */
export async function readRedisMemory(connection: RedisClient): Promise<MemoryReading> {
  if (!(connection instanceof Cluster)) return parseMemoryInfo(await connection.info('memory'));
  const masters = connection.nodes('master');
  if (masters.length === 0) throw new Error('no Redis Cluster master is known yet');
  const readings = await Promise.all(
    masters.map(async (node) => parseMemoryInfo(await node.info('memory'))),
  );
  return readings.reduce((fullest, reading) =>
    ratio(reading) > ratio(fullest) ? reading : fullest,
  );
}

function ratio(reading: MemoryReading): number {
  return reading.maxBytes > 0 ? reading.usedBytes / reading.maxBytes : 0;
}
