import { randomUUID } from 'node:crypto';
import { hasRedisServerBinary, startRedisServer } from './redis-server.ts';

/** A Redis for one test file, and a key prefix no other test uses. */
export type TestRedis = {
  readonly url: string;
  /** A unique BullMQ prefix, so tests sharing one Redis (REDIS_URL) never see each other. */
  readonly prefix: string;
  /** Where it came from: 'REDIS_URL', 'redis-server' or 'testcontainers'. */
  readonly source: 'REDIS_URL' | 'redis-server' | 'testcontainers';
  stop(): Promise<void>;
};

/**
 * A BullMQ/key prefix no other test uses. In braces, so a Redis Cluster keeps every key under
 * it in one slot (BullMQ's scripts touch several keys of a queue at once).
 */
export function uniquePrefix(): string {
  return `{t${randomUUID().slice(0, 8)}}`;
}

/**
 * Redis for tests, in this order: REDIS_URL when set (never flushed: tests use unique
 * prefixes); else a private redis-server on a free port, with AOF in its own temp dir;
 * else a testcontainers Redis when a Docker engine answers; else an error that says what to
 * install. Tests never touch a Redis they did not start or were not given.
 */
export async function startTestRedis(
  env: Record<string, string | undefined> = process.env,
): Promise<TestRedis> {
  const prefix = uniquePrefix();
  if (env.REDIS_URL) {
    return { url: env.REDIS_URL, prefix, source: 'REDIS_URL', stop: async () => {} };
  }
  if (hasRedisServerBinary()) {
    const server = await startRedisServer();
    return { url: server.url, prefix, source: 'redis-server', stop: () => server.stop() };
  }
  const container = await startRedisContainer();
  if (container) return { ...container, prefix, source: 'testcontainers' };
  throw new Error(
    'Tests need Redis 7+: install redis-server (Debian/Ubuntu: apt-get install redis-server; ' +
      'macOS: brew install redis), or set REDIS_URL to a Redis the tests may use, or run a Docker engine.',
  );
}

/** A Redis in a container (testcontainers), or undefined when no Docker engine answers. */
export async function startRedisContainer(): Promise<
  { url: string; stop(): Promise<void> } | undefined
> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined; // no Docker engine answers
  }
  const container = await new GenericContainer('redis:7-alpine')
    .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    stop: async () => {
      await container.stop();
    },
  };
}
