import { join } from 'node:path';
import { createProducer } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import {
  freePort,
  type NodeProcess,
  REPO_ROOT,
  type RedisServer,
  type SimulatorProcess,
  startNodeProcess,
  startRedisServer,
  startSimulator,
} from '@relay/testkit';

export type BenchEnv = {
  redis: RedisServer;
  sim: SimulatorProcess;
  stop(): Promise<void>;
};

/** A private Redis (AOF everysec, as shipped) and the simulator, for one benchmark. */
export async function startBenchEnv(simArgs: string[]): Promise<BenchEnv> {
  const redis = await startRedisServer();
  const sim = await startSimulator(simArgs);
  return {
    redis,
    sim,
    async stop() {
      await sim.stop();
      await redis.stop();
    },
  };
}

/**
 * Relay worker processes, started as in production (apps/worker/src/main.ts), on the bench's
 * Redis (under `prefix`) and simulator; `settings` adds or overrides environment variables.
 */
export async function startRelayWorkers(
  bench: BenchEnv,
  prefix: string,
  count: number,
  settings: Record<string, string> = {},
): Promise<NodeProcess<string>[]> {
  const env = {
    REDIS_URL: bench.redis.url,
    QUEUE_PREFIX: prefix,
    INTERCOM_API_BASE_URL: bench.sim.url,
    INTERCOM_ACCESS_TOKEN: bench.sim.token,
    RECONCILE_EVERY_MS: '0', // a sweep's search calls are not what the benchmarks measure
    RECONCILE_COMPANIES_EVERY_MS: '0',
    ...settings,
  };
  return Promise.all(
    Array.from({ length: count }, async () => {
      const metricsPort = String(await freePort());
      return startNodeProcess<string>({
        script: join(REPO_ROOT, 'apps/worker/src/main.ts'),
        env: { HOST: '127.0.0.1', LOG_LEVEL: 'warn', METRICS_PORT: metricsPort, ...env },
        readyUrl: `http://127.0.0.1:${metricsPort}/healthz`,
      });
    }),
  );
}

/** A node script of bench/ as its own process, ready when it prints `{"event":"ready"}`. */
export async function startBenchProcess(
  script: string,
  env: Record<string, string>,
): Promise<NodeProcess<true>> {
  return startNodeProcess<true>({
    script: join(REPO_ROOT, 'bench', script),
    env,
    readyWhen: (_line, json) => (json?.event === 'ready' ? true : undefined),
  });
}

export async function connectProducer(redisUrl: string, prefix: string) {
  const connection = createProducerConnection(redisUrl);
  await waitUntilReady(connection);
  const producer = createProducer({ connection, prefix });
  return {
    producer,
    async close() {
      await producer.close();
      connection.disconnect();
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
