import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, stopChild, trackChild, waitFor } from '@relay/testkit';
import { stringify } from 'yaml';
import { requireTool } from './tools.ts';

type PrometheusAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
};
type PrometheusTarget = {
  labels: Record<string, string>;
  health: string;
  lastError: string;
};

export type PrometheusServer = {
  readonly url: string;
  alerts(): Promise<PrometheusAlert[]>;
  targets(): Promise<PrometheusTarget[]>;
  /** An instant query's result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** When the rule group last finished an evaluation (Unix ms; 0 before the first). */
  lastEvaluation(group: string): Promise<number>;
  stop(): Promise<void>;
};

/**
 * A real Prometheus on a free port, scraping `targets` (job → host:port list) every second and
 * evaluating deploy/prometheus/alerts.yml every second. Its `for:` durations are rewritten to
 * 0s in the temporary copy, so an alert fires on the first evaluation that finds its
 * condition instead of minutes later; the expressions are the shipped ones.
 */
export async function startPrometheus(
  targets: Record<string, string[]>,
): Promise<PrometheusServer> {
  requireTool('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'relay-prometheus-'));
  const rules = readFileSync(join(REPO_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8');
  writeFileSync(join(dir, 'alerts.yml'), rules.replace(/^(\s+for:\s*)\S+/gm, '$10s'));
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    rule_files: ['alerts.yml'],
    scrape_configs: Object.entries(targets).map(([job, hosts]) => ({
      job_name: job,
      static_configs: [{ targets: hosts }],
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = trackChild(
    spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output = `${output}${chunk}`.slice(-4000);
  });
  child.stderr?.on('data', (chunk) => {
    output = `${output}${chunk}`.slice(-4000);
  });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };

  const ready = await waitFor(
    async () => {
      if (child.exitCode !== null) return 'exited';
      return fetch(`${url}/-/ready`).then(
        (response) => (response.ok ? 'ready' : 'starting'),
        () => 'starting',
      );
    },
    (state) => state !== 'starting',
    30_000,
    200,
  );
  if (ready !== 'ready') {
    await stop();
    throw new Error(`prometheus did not start (${ready}):\n${output}`);
  }

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };

  return {
    url,
    alerts: async () => (await api<{ alerts: PrometheusAlert[] }>('alerts')).alerts,
    targets: async () =>
      (await api<{ activeTargets: PrometheusTarget[] }>('targets?state=active')).activeTargets,
    query: async (expr) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    lastEvaluation: async (group) => {
      const data = await api<{ groups: { name: string; lastEvaluation: string }[] }>(
        'rules?type=alert',
      );
      const found = data.groups.find((candidate) => candidate.name === group);
      const at = found ? Date.parse(found.lastEvaluation) : Number.NaN;
      return Number.isNaN(at) || at < 0 ? 0 : at;
    },
    stop,
  };
}
