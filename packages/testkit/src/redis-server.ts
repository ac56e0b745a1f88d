import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { exited, stopChild, trackChild } from './child-process.ts';
import { freePort } from './free-port.ts';

export type RedisServerOptions = {
  /** AOF persistence; @defaultValue true (as in production: acknowledged means durable) */
  appendonly?: boolean;
  /** e.g. '50mb'; with maxmemory-policy noeviction, as every shipped config. */
  maxmemory?: string;
  /** More redis-server flags (e.g. cluster mode); relative paths land in its data directory. */
  extraArgs?: string[];
  /**
   * The data directory on tmpfs (/dev/shm, where there is one), so an fsync never waits on a
   * busy disk. With `everysec`, Redis postpones its AOF write up to 2 s while the last fsync
   * runs, and answers meanwhile: a SIGKILL then loses writes it acknowledged. A test of what
   * the relay acknowledges, rather than of the machine's disk, uses this.
   */
  memoryBacked?: boolean;
};

/** A private redis-server process on a free port, with its own data directory. */
export type RedisServer = {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM) and removes its data directory. */
  stop(): Promise<void>;
  /** Kills it without warning (SIGKILL), keeping the data directory for a restart. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory (after kill or pause). */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing is answered, as a hung server. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT); what it was sent meanwhile is answered. */
  resume(): void;
};

export function hasRedisServerBinary(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const base = options.memoryBacked && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'relay-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;

  const args = () => [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', options.appendonly === false ? 'no' : 'yes', '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    ...(options.maxmemory ? ['--maxmemory', options.maxmemory] : []),
    ...(options.extraArgs ?? []),
    '--loglevel', 'warning', '--logfile', join(dir, 'redis.log'),
  ]; // biome-ignore format: flag/value pairs read best on shared lines

  async function launch(): Promise<void> {
    child = trackChild(spawn('redis-server', args(), { stdio: 'ignore' }));
    const started = child;
    const failed = exited(started).then(() => 'exited' as const);
    const ready = waitForPing(port).then(() => 'ready' as const);
    if ((await Promise.race([failed, ready])) === 'exited') {
      throw new Error(`redis-server exited at start on port ${port}`);
    }
  }

  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 5) throw error; // another process took the port between probe and bind
    }
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child?.kill('SIGCONT'); // a paused server would not act on SIGTERM
      if (child) await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      await launch();
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}

export async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await sleep(25);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** Resolves once the server is a primary, or a replica whose link to its primary is up. */
export async function waitForReplicaLink(port: number, timeoutMs = 15_000): Promise<void> {
  const client = new Redis({ port, host: '127.0.0.1' });
  client.on('error', () => {});
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await client.info('replication');
      if (info.includes('role:master') || info.includes('master_link_status:up')) return;
      if (Date.now() > deadline) throw new Error(`replica on ${port} never linked up`);
      await sleep(50);
    }
  } finally {
    client.disconnect();
  }
}
