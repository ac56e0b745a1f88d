import type { RedisTarget } from '@relay/config';
import { createTcpProxy, startRedisSentinel, type TcpProxy, waitFor } from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createProducerConnection, createWorkerConnection } from '../src/redis/connection.ts';

const proxies: TcpProxy[] = [];
const connections: Redis[] = [];
let stopGroup: (() => Promise<void>) | undefined;

afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  for (const proxy of proxies) await proxy.close();
  await stopGroup?.();
});

describe('a connection behind Sentinel, through a failover', () => {
  it('is never left ended: a reconnect under way when the failover is announced goes on', async () => {
    const group = await startRedisSentinel({ replicas: 1, sentinels: 3, downAfterMs: 1_000 });
    stopGroup = () => group.stop();
    // Slow Sentinels (300 ms each way), so that a reconnect spends most of its time asking
    // where the primary is: the moment the failover's +switch-master arrives (see the
    // glossary: Sentinel reconnect race). The data connections go to Redis directly.
    for (const address of group.sentinels.split(',')) {
      const [host = '127.0.0.1', port = '0'] = address.split(':');
      proxies.push(await createTcpProxy({ target: { host, port: Number(port) }, latencyMs: 300 }));
    }
    const target: RedisTarget = {
      mode: 'sentinel',
      sentinels: proxies.map((proxy) => ({ host: '127.0.0.1', port: proxy.port })),
      name: group.name,
      db: 0,
      tls: false,
    };
    const ended: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      // As BullMQ makes its blocking connections: a duplicate of the one it is given.
      const made = i % 2 === 0 ? createWorkerConnection(target) : createProducerConnection(target);
      const connection = (i === 0 ? (made as Redis).duplicate() : made) as Redis;
      if (i === 0) made.disconnect();
      connection.on('error', () => {});
      connection.on('end', () => ended.push(`connection ${i}`));
      connections.push(connection);
    }
    const ready = async () =>
      connections.filter((connection) => connection.status === 'ready').length;
    expect(await waitFor(ready, (n) => n === connections.length, 15_000)).toBe(connections.length);

    const first = await group.primary();
    await first.kill();
    const promoted = await group.waitForFailover(first, 30_000);

    // Every connection writes to the new primary again, without being told to reconnect.
    const writing = await waitFor(
      async () => {
        const writes = await Promise.allSettled(
          connections.map((connection, i) => connection.set(`{test}:after:${i}`, 'ok')),
        );
        return writes.filter((write) => write.status === 'fulfilled').length;
      },
      (n) => n === connections.length,
      30_000,
      250,
    );
    expect(ended).toEqual([]);
    expect(writing).toBe(connections.length);
    expect(promoted.port).not.toBe(first.port);
  }, 90_000);
});
