import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { type NodeProcess, startNodeProcess } from './node-process.ts';
import { REPO_ROOT } from './repo-root.ts';

export type StackOptions = {
  /** One Redis (REDIS_URL); or give `redisClusterNodes`. */
  redisUrl?: string;
  /** A Redis Cluster's seeds, `host:port,…` (REDIS_CLUSTER_NODES), instead of `redisUrl`. */
  redisClusterNodes?: string;
  intercomUrl: string;
  intercomToken: string;
  webhookSecret: string;
  crmToken: string;
  /** @defaultValue 1 */
  workers?: number;
  queuePrefix?: string;
  /** Extra environment for every process (e.g. WORKER_CONCURRENCY; PORT fixes the ingress port). */
  env?: Record<string, string>;
  onLine?: (service: string, line: string) => void;
};

export type Stack = {
  readonly ingressUrl: string;
  readonly workerMetricsUrls: string[];
  readonly ingress: NodeProcess<string>;
  readonly workers: NodeProcess<string>[];
  stop(): Promise<void>;
};

/**
 * The ingress and N worker processes, started as in production (node apps/…/src/main.ts),
 * each ready once its /healthz answers.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  if ((options.redisUrl === undefined) === (options.redisClusterNodes === undefined)) {
    throw new Error('startStack: give redisUrl or redisClusterNodes');
  }
  const env: Record<string, string> = {
    // Both set, always: an empty one is unset, and hides a REDIS_URL the tests run with.
    REDIS_URL: options.redisUrl ?? '',
    REDIS_CLUSTER_NODES: options.redisClusterNodes ?? '',
    QUEUE_PREFIX: options.queuePrefix ?? '{relay}',
    INTERCOM_API_BASE_URL: options.intercomUrl,
    INTERCOM_ACCESS_TOKEN: options.intercomToken,
    INTERCOM_CLIENT_SECRET: options.webhookSecret,
    CRM_API_TOKENS: options.crmToken,
    INTERCOM_STATUS_URL: `${options.intercomUrl}/__sim/status-page/api/v2/status.json`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // The company sweep scrolls at start and adds a schedule to the backfill lane: tests that
    // count calls or scheduled jobs would see it. A test of the sweep turns it on.
    RECONCILE_COMPANIES_EVERY_MS: '0',
    ...options.env,
  };
  // A secret given as NAME_FILE replaces the inline one (the relay refuses both).
  for (const name of Object.keys(env)) {
    if (name.endsWith('_FILE')) delete env[name.slice(0, -'_FILE'.length)];
  }
  const ingressPort = env.PORT ?? String(await freePort());

  const startWorker = async (i: number) => {
    const metricsPort = String(await freePort());
    return startNodeProcess<string>({
      script: join(REPO_ROOT, 'apps/worker/src/main.ts'),
      env: { ...env, METRICS_PORT: metricsPort },
      readyUrl: `http://127.0.0.1:${metricsPort}/healthz`,
      onLine: (line) => options.onLine?.(`worker-${i + 1}`, line),
    });
  };
  const startIngress = () =>
    startNodeProcess<string>({
      script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
      env: { ...env, PORT: ingressPort },
      readyUrl: `http://127.0.0.1:${ingressPort}/healthz`,
      onLine: (line) => options.onLine?.('ingress', line),
    });
  // All or nothing: when one process does not start (a bad setting), those that did are
  // stopped before the error goes up, so a failed start leaves no process behind.
  const started = await Promise.allSettled([
    startIngress(),
    ...Array.from({ length: options.workers ?? 1 }, (_, i) => startWorker(i)),
  ]);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(
      started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)),
    );
    throw failed.reason;
  }
  const [ingress, ...workers] = started.map(
    (result) => (result as PromiseFulfilledResult<NodeProcess<string>>).value,
  ) as [NodeProcess<string>, ...NodeProcess<string>[]];

  return {
    ingressUrl: ingress.ready,
    workerMetricsUrls: workers.map((worker) => worker.ready),
    ingress,
    workers,
    async stop() {
      await ingress.stop();
      await Promise.all(workers.map((worker) => worker.stop(30_000)));
    },
  };
}
