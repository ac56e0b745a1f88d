import type { EnvReader } from './env-reader.ts';

export type RedisNode = { host: string; port: number };

/**
 * Where the relay's Redis is: one server (REDIS_URL), or a Redis Cluster reached through a
 * seed list (REDIS_CLUSTER_NODES). Credentials and TLS travel as in REDIS_URL: in the seeds'
 * URLs (`rediss://user:password@host:port`).
 */
export type RedisTarget =
  | { mode: 'single'; url: string }
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
