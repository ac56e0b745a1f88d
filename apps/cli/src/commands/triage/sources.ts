import type { Sample } from '@relay/telemetry';
import { parsePrometheusText } from '@relay/telemetry';
import type { CliConfig } from '../../config.ts';
import { http } from '../../http.ts';
import { fetchStatusPage, type StatusPage } from '../../intercom/status-page.ts';
import { type AdminQueue, createAdminClient } from '../../relay/admin-client.ts';
import { fetchReadiness, type Readiness } from '../../relay/readyz.ts';
import type { SourceWindow } from './window.ts';

export type TriageInput = {
  windows: SourceWindow[];
  /** Metrics endpoints that did not answer. */
  unreachable: { url: string; role: 'ingress' | 'worker'; detail: string }[];
  workersConfigured: number;
  readiness: Readiness;
  statusPage: StatusPage;
  admin: { configured: false } | { configured: true; queues: AdminQueue[] | null; error?: string };
  /** Seconds between the two scrapes; 0: one scrape, counters since each process started. */
  intervalSeconds: number;
};

type Target = { url: string; role: 'ingress' | 'worker' };
type Scrape = { ok: true; samples: Sample[]; at: number } | { ok: false; detail: string };

/**
 * Everything triage reads: /metrics of the ingress and the workers (twice, `interval`
 * seconds apart, so counters become rates), then /readyz, the status page and the admin API.
 */
export async function collectTriageInput(
  config: CliConfig,
  intervalSeconds: number,
  onWait: (seconds: number) => void,
): Promise<TriageInput> {
  const targets: Target[] = [
    { url: `${config.relayUrl}/metrics`, role: 'ingress' },
    ...config.workerMetricsUrls.map((url) => ({ url: metricsUrl(url), role: 'worker' as const })),
  ];
  let first: Scrape[] | undefined;
  if (intervalSeconds > 0) {
    first = await Promise.all(targets.map((target) => scrape(target.url)));
    onWait(intervalSeconds);
    await new Promise((resolve) => setTimeout(resolve, intervalSeconds * 1000));
  }
  const adminToken = config.adminToken?.get() ?? '';
  const [last, readiness, statusPage, admin] = await Promise.all([
    Promise.all(targets.map((target) => scrape(target.url))),
    fetchReadiness(config.relayUrl),
    fetchStatusPage(config.statusUrl),
    adminToken === '' ? ({ configured: false } as const) : readAdmin(config.adminUrl, adminToken),
  ]);
  const windows: SourceWindow[] = [];
  const unreachable: TriageInput['unreachable'] = [];
  targets.forEach((target, i) => {
    const end = last[i];
    const start = first?.[i];
    if (!end?.ok) {
      unreachable.push({ ...target, detail: end?.ok === false ? end.detail : 'no answer' });
      return;
    }
    if (start?.ok) {
      windows.push({
        ...target,
        first: start.samples,
        last: end.samples,
        seconds: (end.at - start.at) / 1000,
      });
    } else {
      windows.push({ ...target, first: null, last: end.samples, seconds: uptime(end) });
    }
  });
  return {
    windows,
    unreachable,
    workersConfigured: config.workerMetricsUrls.length,
    readiness,
    statusPage,
    admin,
    intervalSeconds,
  };
}

async function readAdmin(adminUrl: string, token: string): Promise<TriageInput['admin']> {
  try {
    return { configured: true, queues: await createAdminClient({ adminUrl, token }).queues() };
  } catch (error) {
    return { configured: true, queues: null, error: (error as Error).message };
  }
}

async function scrape(url: string): Promise<Scrape> {
  try {
    const answer = await http(url, { headers: { accept: 'text/plain' }, timeoutMs: 5_000 });
    if (answer.status !== 200) return { ok: false, detail: `answered ${answer.status}` };
    return { ok: true, samples: parsePrometheusText(answer.text), at: performance.now() };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

/** Seconds since the process started (Node's default process_start_time_seconds). */
function uptime(scrape: Extract<Scrape, { ok: true }>): number {
  const started = scrape.samples.find((s) => s.name === 'process_start_time_seconds')?.value;
  return started ? Math.max(Date.now() / 1000 - started, 1) : 1;
}

/** A worker given by its origin gets /metrics appended. */
function metricsUrl(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname === '/' ? `${parsed.origin}/metrics` : url;
}
