import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { type RedisServer, startRedisServer } from './redis-server.ts';

const run = promisify(execFile);

export type TestRedisCluster = {
  readonly nodes: { host: string; port: number }[];
  /** The nodes as REDIS_CLUSTER_NODES takes them: `127.0.0.1:port,…`. */
  readonly seeds: string;
  /** An ioredis Cluster client (disconnect it yourself). */
  connect(): Cluster;
  stop(): Promise<void>;
};

/**
 * A Redis Cluster of `masters` private redis-server processes (no replicas), made with
 * `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i += 1) {
      servers.push(
        await startRedisServer({
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
        }),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-yes']);
    for (const server of servers) await waitForClusterOk(server.port);
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  const nodes = servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
  return {
    nodes,
    seeds: nodes.map((node) => `${node.host}:${node.port}`).join(','),
    connect: () => new Cluster(nodes),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

async function waitForClusterOk(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    if (stdout.includes('cluster_state:ok')) return;
    if (Date.now() > deadline) throw new Error(`cluster node ${port} not ok: ${stdout.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
