import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { type RedisServer, startRedisServer, waitForReplicaLink } from './redis-server.ts';

const run = promisify(execFile);

export type TestRedisCluster = {
  readonly nodes: { host: string; port: number }[];
  /** Every node's server (primaries and replicas), to kill or pause. */
  readonly servers: readonly RedisServer[];
  /** The server that is primary for `key`'s slot now (CLUSTER NODES, asked of a live node). */
  primaryFor(key: string): Promise<RedisServer>;
  /** Resolves once `key`'s slot has a primary other than `old` and the cluster is ok again. */
  waitForFailover(key: string, old: RedisServer, timeoutMs?: number): Promise<RedisServer>;
  /** The nodes as REDIS_CLUSTER_NODES takes them: `127.0.0.1:port,…`. */
  readonly seeds: string;
  /** An ioredis Cluster client (disconnect it yourself). */
  connect(): Cluster;
  stop(): Promise<void>;
};

/**
 * A Redis Cluster of `masters` private redis-server processes, each with `replicas` replicas
 * (a replica takes over its primary's slots when the primary fails: `cluster-node-timeout`
 * 2 s), made with `redis-cli --cluster create`, ready once every node reports
 * `cluster_state:ok`.
 */
export async function startRedisCluster(
  masters = 3,
  options: { replicas?: number } = {},
): Promise<TestRedisCluster> {
  const servers: RedisServer[] = [];
  const replicas = options.replicas ?? 0;
  try {
    for (let i = 0; i < masters * (1 + replicas); i += 1) {
      servers.push(
        await startRedisServer({
          extraArgs: [
            '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
            // With replicas, a failed primary is replaced within seconds; without, the
            // default (15 s) keeps a busy test machine from marking a slow node failed.
            ...(replicas > 0 ? ['--cluster-node-timeout', '2000'] : []),
          ], // biome-ignore format: flag/value pairs read best on shared lines
        }),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run('redis-cli', [
      '--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes',
    ]); // biome-ignore format: flag/value pairs read best on shared lines
    for (const server of servers) await waitForClusterOk(server.port);
    // cluster_state:ok comes before a replica's first sync: until it ends, WAIT counts none.
    for (const server of servers) await waitForReplicaLink(server.port);
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  const nodes = servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
  const serverOn = (port: number) => servers.find((server) => server.port === port);
  async function primaryPortFor(key: string): Promise<number | undefined> {
    for (const server of servers) {
      try {
        const { stdout: slot } = await run('redis-cli', [
          '-p',
          String(server.port),
          'cluster',
          'keyslot',
          key,
        ]);
        const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'nodes']);
        const wanted = Number(slot.trim());
        for (const line of stdout.trim().split('\n')) {
          const fields = line.split(' ');
          if (!fields[2]?.includes('master') || fields[2].includes('fail')) continue;
          const owns = fields.slice(8).some((range) => {
            const [from, to = from] = range.split('-').map(Number);
            return from !== undefined && wanted >= from && wanted <= (to ?? from);
          });
          if (owns) return Number(/:(\d+)@/.exec(fields[1] ?? '')?.[1]);
        }
      } catch {
        // this node is down: ask the next
      }
    }
    return undefined;
  }
  return {
    nodes,
    servers,
    async primaryFor(key) {
      const server = serverOn((await primaryPortFor(key)) ?? -1);
      if (!server) throw new Error(`no primary holds the slot of ${key}`);
      return server;
    },
    async waitForFailover(key, old, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const server = serverOn((await primaryPortFor(key)) ?? -1);
        if (server && server !== old) {
          await waitForClusterOk(server.port, Math.max(1_000, deadline - Date.now()));
          return server;
        }
        if (Date.now() > deadline) throw new Error('no failover within the time given');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
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
