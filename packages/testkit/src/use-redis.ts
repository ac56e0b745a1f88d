import { Redis } from 'ioredis';
import { heldForFile } from './held-for-file.ts';
import { startTestRedis, type TestRedis, uniquePrefix } from './redis.ts';
import { type RedisServer, type RedisServerOptions, startRedisServer } from './redis-server.ts';

/** The Redis of a test file; every property is valid inside its hooks and tests. */
export type UsedRedis = {
  readonly url: string;
  /** The file's key prefix (`{t…}`): no other test file uses it. */
  readonly prefix: string;
  /** Where it came from: 'REDIS_URL', 'redis-server' or 'testcontainers'. */
  readonly source: TestRedis['source'];
  /**
   * A client for the test's own reads and writes (made on first use, closed in afterAll). Its
   * connection errors are not reported: a test that stops Redis sees them on its commands.
   */
  readonly client: Redis;
  /** A new prefix no other test uses, for a test that wants keys of its own. */
  uniquePrefix(): string;
};

/** The same on a private redis-server the test may kill, restart or pause. */
export type UsedRedisServer = UsedRedis & { readonly server: RedisServer };

export type UseRedisOptions = {
  /**
   * A private redis-server with these options (or the defaults: `true`), even where REDIS_URL
   * is set, for a test that stops, fills or freezes it (`server` on the handle).
   */
  server?: RedisServerOptions | true;
};

type Held = TestRedis & { server?: RedisServer };

/**
 * A Redis for the test file (or the `describe` it is called in), as startTestRedis gives it:
 * started in beforeAll, stopped in afterAll.
 */
export function useRedis(): UsedRedis;
export function useRedis(options: { server: RedisServerOptions | true }): UsedRedisServer;
export function useRedis(options: UseRedisOptions = {}): UsedRedis | UsedRedisServer {
  let client: Redis | undefined;
  const current = heldForFile<Held>(
    'Redis',
    async () => {
      if (!options.server) return startTestRedis();
      const server = await startRedisServer(options.server === true ? {} : options.server);
      return {
        url: server.url,
        prefix: uniquePrefix(),
        source: 'redis-server',
        server,
        stop: () => server.stop(),
      };
    },
    async (redis) => {
      client?.disconnect();
      client = undefined;
      await redis.stop();
    },
  );
  return {
    get url() {
      return current().url;
    },
    get prefix() {
      return current().prefix;
    },
    get source() {
      return current().source;
    },
    get client() {
      if (!client) {
        client = new Redis(current().url);
        client.on('error', () => {});
      }
      return client;
    },
    uniquePrefix,
    get server() {
      const { server } = current();
      if (!server) throw new Error('useRedis({ server }) gives a server; this Redis is not one');
      return server;
    },
  };
}
