import { AppError } from '@relay/errors';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connection.ts';

/** Redis Cluster's slot of a key (CRC16 of its hash tag, or of the key): as the server hashes. */
export function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc % 16_384;
}

/** The connection to the primary holding `key`: the client itself, or a cluster's node. */
export function primaryHolding(connection: RedisClient, key: string): Redis {
  if (!(connection instanceof Cluster)) return connection;
  const owner = connection.slots[clusterSlot(key)]?.[0];
  const node = connection.nodes('master').find((candidate) => {
    const { host, port } = candidate.options;
    return `${host}:${port}` === owner;
  });
  if (!node) throw new AppError('QUEUE_UNAVAILABLE', 'the cluster has no primary for the queues');
  return node;
}
