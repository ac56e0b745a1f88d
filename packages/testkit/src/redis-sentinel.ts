import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { exited, stopChild, trackChild } from './child-process.ts';
import { freePort } from './free-port.ts';
import {
  type RedisServer,
  startRedisServer,
  waitForPing,
  waitForReplicaLink,
} from './redis-server.ts';

export type RedisSentinelOptions = {
  /** Replicas of the primary; @defaultValue 1 */
  replicas?: number;
  /** Sentinel processes (a quorum of a majority); @defaultValue 3 */
  sentinels?: number;
  /** How long the primary must be unreachable before a Sentinel thinks it down; @defaultValue 1000 */
  downAfterMs?: number;
};

/** A primary, its replicas and Sentinels watching them: private processes on free ports. */
export type TestRedisSentinel = {
  /** The master group name (REDIS_SENTINEL_NAME). */
  readonly name: string;
  /** The Sentinels as REDIS_SENTINELS takes them: `127.0.0.1:port,…`. */
  readonly sentinels: string;
  /** The data servers: [0] is the first primary, then the replicas. */
  readonly servers: readonly RedisServer[];
  /** The server the Sentinels name as primary now. */
  primary(): Promise<RedisServer>;
  /** Resolves once the Sentinels name a primary other than `old` (a failover finished). */
  waitForFailover(old: RedisServer, timeoutMs?: number): Promise<RedisServer>;
  /** Resolves once every other server is the primary's replica, online (synced, streaming). */
  waitForReplicas(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A private redis-server replicating `primary` (`--replicaof`), resolved once its link to the
 * primary is up (the initial sync done).
 */
export async function startRedisReplica(primary: RedisServer): Promise<RedisServer> {
  const replica = await startRedisServer({
    extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)],
  });
  try {
    await waitForReplicaLink(replica.port);
    return replica;
  } catch (error) {
    await replica.stop();
    throw error;
  }
}

/**
 * Redis with replicas behind Sentinel, as production runs it: a primary (AOF everysec), its
 * replicas (`replicaof`), and Sentinels (`redis-server <conf> --sentinel`) with a quorum of a
 * majority, a primary judged down after `downAfterMs`.
 */
export async function startRedisSentinel(
  options: RedisSentinelOptions = {},
): Promise<TestRedisSentinel> {
  const name = 'relay-primary';
  const servers: RedisServer[] = [];
  const sentinels: { port: number; child: ChildProcess; dir: string }[] = [];
  const stopAll = async () => {
    await Promise.all(sentinels.map((sentinel) => stopChild(sentinel.child)));
    for (const sentinel of sentinels) rmSync(sentinel.dir, { recursive: true, force: true });
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const primary = await startRedisServer();
    servers.push(primary);
    for (let i = 0; i < (options.replicas ?? 1); i += 1) {
      servers.push(await startRedisReplica(primary));
    }
    const count = options.sentinels ?? 3;
    for (let i = 0; i < count; i += 1) {
      sentinels.push(await startSentinelProcess(name, primary.port, count, options.downAfterMs));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const ask = async (): Promise<number | undefined> => {
    for (const sentinel of sentinels) {
      const client = new Redis({ port: sentinel.port, host: '127.0.0.1', lazyConnect: true });
      client.on('error', () => {});
      try {
        await client.connect();
        const reply = (await client.call('SENTINEL', 'get-master-addr-by-name', name)) as
          | string[]
          | null;
        if (reply) return Number(reply[1]);
      } catch {
        // this Sentinel is down: ask the next
      } finally {
        client.disconnect();
      }
    }
    return undefined;
  };
  const serverOn = (port: number | undefined) => servers.find((server) => server.port === port);

  const group: TestRedisSentinel = {
    name,
    sentinels: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
    servers,
    async primary() {
      const server = serverOn(await ask());
      if (!server) throw new Error('the Sentinels name no primary of this group');
      return server;
    },
    async waitForFailover(old, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const server = serverOn(await ask());
        if (server && server !== old && (await role(server)) === 'master') return server;
        if (Date.now() > deadline) throw new Error('no failover within the time given');
        await sleep(100);
      }
    },
    async waitForReplicas(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const primary = serverOn(await ask());
        if (primary && (await replicasCaughtUp(primary, servers.length - 1))) return;
        if (Date.now() > deadline) throw new Error('the replicas did not catch up');
        await sleep(100);
      }
    },
    stop: stopAll,
  };
  await group.waitForReplicas();
  return group;
}

async function startSentinelProcess(
  name: string,
  primaryPort: number,
  count: number,
  downAfterMs = 1_000,
): Promise<{ port: number; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-sentinel-'));
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const config = join(dir, 'sentinel.conf');
    // Sentinel rewrites its config as it learns the group: a file of its own, writable.
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `logfile ${join(dir, 'sentinel.log')}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} ${Math.floor(count / 2) + 1}`,
        `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const child = trackChild(spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' }));
    const outcome = await Promise.race([
      exited(child).then(() => 'exited' as const),
      waitForPing(port).then(() => 'ready' as const),
    ]);
    if (outcome === 'ready') return { port, child, dir };
    if (attempt >= 5) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server --sentinel exited at start on port ${port}`);
    }
  }
}

async function role(server: RedisServer): Promise<string | undefined> {
  const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return /role:(\w+)/.exec(await client.info('replication'))?.[1];
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

async function replicasCaughtUp(primary: RedisServer, expected: number): Promise<boolean> {
  const client = new Redis(primary.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('replication');
    return [...info.matchAll(/slave\d+:.*state=online/g)].length >= expected;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
