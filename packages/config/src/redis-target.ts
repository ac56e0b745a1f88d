import type { EnvReader } from './env-reader.ts';

export type RedisNode = { host: string; port: number };

/**
 * Where the relay's Redis is: one server (REDIS_URL), a primary watched by Sentinel
 * (REDIS_SENTINELS + REDIS_SENTINEL_NAME), or a Redis Cluster reached through a seed list
 * (REDIS_CLUSTER_NODES). Credentials and TLS travel as in REDIS_URL: in the seeds' URLs
 * (`rediss://user:password@host:port`), and for Sentinel in REDIS_URL, whose host is then
 * not used (Sentinel names the primary).
 */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | {
      mode: 'sentinel';
      /** Sentinels to ask where the primary of `name` is (any one that answers will do). */
      sentinels: RedisNode[];
      /** The master group name, as in `sentinel monitor <name> …`. */
      name: string;
      username?: string;
      password?: string;
      /** REDIS_SENTINEL_PASSWORD: for Sentinels that require one (`requirepass` in their config). */
      sentinelPassword?: string;
      db: number;
      /** `rediss://` in REDIS_URL: TLS to the primary, its replicas and the Sentinels. */
      tls: boolean;
    }
  | {
      mode: 'cluster';
      /** Seeds: the client learns the rest of the cluster from any one of them. */
      nodes: RedisNode[];
      username?: string;
      password?: string;
      /** `rediss://` seeds: TLS to every node. */
      tls: boolean;
    };

export type RedisSettings = {
  redis: RedisTarget;
  /** BullMQ key prefix; on a cluster it carries a hash tag (checked here). */
  queuePrefix: string;
};

const PROTOCOLS = ['redis:', 'rediss:'];

/** A Redis on this host, as in development. */
const DEFAULT_URL = 'redis://127.0.0.1:6379';

/**
 * REDIS_URL or REDIS_CLUSTER_NODES (not both), and QUEUE_PREFIX. On a cluster every key of a
 * queue must hash to one slot (BullMQ's scripts touch several keys at once), so a prefix
 * without a hash tag `{...}` is a configuration error rather than CROSSSLOT errors later.
 */
export function readRedisSettings(
  env: EnvReader,
  options: { defaultPrefix: string },
): RedisSettings {
  const seeds = env.list('REDIS_CLUSTER_NODES');
  const queuePrefix = env.string('QUEUE_PREFIX', { default: options.defaultPrefix });
  const sentinels = env.list('REDIS_SENTINELS');
  const sentinelName = env.string('REDIS_SENTINEL_NAME');
  if (sentinels.length > 0 || sentinelName !== '') {
    if (seeds.length > 0) {
      env.problem(
        'set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both: a Redis Cluster fails over by itself, without Sentinel',
      );
    }
    return { redis: readSentinelTarget(env, sentinels, sentinelName), queuePrefix };
  }
  if (seeds.length === 0) {
    const url = env.url('REDIS_URL', { default: DEFAULT_URL, protocols: PROTOCOLS });
    return { redis: { mode: 'single', url }, queuePrefix };
  }
  if (env.string('REDIS_URL') !== '') {
    env.problem(
      'set REDIS_URL or REDIS_CLUSTER_NODES, not both: which one to use would be a guess',
    );
  }
  if (clusterHashTag(queuePrefix) === undefined) {
    env.problem(
      `QUEUE_PREFIX "${queuePrefix}" has no hash tag: on a Redis Cluster (REDIS_CLUSTER_NODES) ` +
        'every key of a queue must be in one slot; put the prefix in braces, e.g. {relay}',
    );
  }
  return { redis: parseSeeds(env, seeds), queuePrefix };
}

/**
 * The part of a key Redis Cluster hashes when the key has one: what lies between the first
 * `{` and the first `}` after it, when not empty. Undefined when the whole key is hashed.
 */
export function clusterHashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

function parseSeeds(env: EnvReader, seeds: string[]): RedisTarget {
  const nodes: RedisNode[] = [];
  const access = new Set<string>();
  let first: URL | undefined;
  for (const seed of seeds) {
    const url = parseSeed(seed);
    if (!url) {
      env.problem(
        `REDIS_CLUSTER_NODES: "${redactSeed(seed)}" is not host:port or a redis:// or rediss:// URL`,
      );
      continue;
    }
    if (url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0') {
      env.problem('REDIS_CLUSTER_NODES: a Redis Cluster has only database 0 (remove the /n)');
    }
    first ??= url;
    access.add(`${url.protocol}${url.username}:${url.password}`);
    nodes.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) });
  }
  if (access.size > 1) {
    env.problem('REDIS_CLUSTER_NODES: every seed must use the same scheme and credentials');
  }
  return {
    mode: 'cluster',
    nodes,
    ...(first?.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first?.password ? { password: decodeURIComponent(first.password) } : {}),
    tls: first?.protocol === 'rediss:',
  };
}

function readSentinelTarget(env: EnvReader, sentinels: string[], name: string): RedisTarget {
  if (sentinels.length === 0) {
    env.problem(
      'REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not: list the Sentinels (host:port,…)',
    );
  }
  if (name === '') {
    env.problem(
      'REDIS_SENTINELS needs REDIS_SENTINEL_NAME: the master group name the Sentinels watch (`sentinel monitor <name> …`)',
    );
  }
  const nodes: RedisNode[] = [];
  for (const entry of sentinels) {
    const url = parseSeed(entry);
    if (url?.protocol !== 'redis:' || url.username !== '' || url.password !== '') {
      env.problem(
        `REDIS_SENTINELS: "${redactSeed(entry)}" is not host:port (credentials and TLS go in REDIS_URL and REDIS_SENTINEL_PASSWORD)`,
      );
      continue;
    }
    nodes.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 26379) });
  }
  // REDIS_URL, when given, carries the credentials, TLS and database (its host is not used).
  const url = parseUrl(env.url('REDIS_URL', { protocols: PROTOCOLS }));
  const db = url ? Number(url.pathname.replace(/^\//, '') || '0') : 0;
  if (!Number.isInteger(db) || db < 0) {
    env.problem('REDIS_URL: the database must be a number (/0, /1, …)');
  }
  const sentinelPassword = env.secret('REDIS_SENTINEL_PASSWORD')?.get();
  return {
    mode: 'sentinel',
    sentinels: nodes,
    name,
    ...(url?.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url?.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
    db: Number.isInteger(db) && db >= 0 ? db : 0,
    tls: url?.protocol === 'rediss:',
  };
}

function parseUrl(text: string): URL | undefined {
  try {
    return text === '' ? undefined : new URL(text);
  } catch {
    return undefined; // the reader said what is wrong with it
  }
}

function parseSeed(seed: string): URL | undefined {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(seed) ? seed : `redis://${seed}`;
  try {
    const url = new URL(text);
    if (!PROTOCOLS.includes(url.protocol) || url.hostname === '') return undefined;
    if (url.port !== '' && !(Number(url.port) > 0)) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** A seed as it may appear in a message: never its password. */
function redactSeed(seed: string): string {
  return seed.replace(/\/\/([^@/]*)@/, '//***@');
}
