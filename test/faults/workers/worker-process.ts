import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type NodeProcess, REPO_ROOT, startNodeProcess } from '@relay/testkit';

/** A worker started as in production (`node apps/worker/src/main.ts`), with its own /metrics. */
export type WorkerProcess = {
  readonly process: NodeProcess<string>;
  /** The origin of its /metrics and /healthz server. */
  readonly url: string;
  /** Its /metrics text. */
  metrics(): Promise<string>;
};

/**
 * With RELAY_FAULT_LOG=<file>, every worker's output lines go to that file, each prefixed by
 * the worker's metrics port (one per process), to see afterwards what a killed run did.
 */
const LOG_FILE = process.env.RELAY_FAULT_LOG;

/**
 * Starts a worker process; ready once its /healthz answers (within `readyTimeoutMs`: start-up
 * takes seconds of CPU, longer on a shared machine while other workers are busy).
 */
export async function startWorkerProcess(
  env: Record<string, string>,
  {
    readyTimeoutMs = 20_000,
    onLine,
  }: { readyTimeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<WorkerProcess> {
  const metricsPort = String(await freePort());
  const child = await startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/worker/src/main.ts'),
    env: {
      HOST: '127.0.0.1',
      LOG_LEVEL: LOG_FILE ? 'debug' : 'warn', // debug: each completed job, by id
      RECONCILE_EVERY_MS: '0', // its sweep's calls would blur the counts the tests check
      RECONCILE_COMPANIES_EVERY_MS: '0',
      ...env,
      METRICS_PORT: metricsPort,
    },
    readyUrl: `http://127.0.0.1:${metricsPort}/healthz`,
    timeoutMs: readyTimeoutMs,
    onLine: (line: string) => {
      if (LOG_FILE) appendFileSync(LOG_FILE, `${metricsPort} ${line}\n`);
      onLine?.(line);
    },
  });
  const url = child.ready;
  return {
    process: child,
    url,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
  };
}

/**
 * The sum of a metric's samples whose labels include every pair in `labels` (Prometheus text).
 * A series that was never created counts 0.
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}) {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => set.includes(`${key}="${value}"`))) {
      sum += Number(match[3]);
    }
  }
  return sum;
}
