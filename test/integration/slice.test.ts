import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  type SimulatorProcess,
  type Stack,
  useRelay,
  waitFor,
} from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';

const relay = useRelay({
  workers: 2,
  simArgs: ['--rate-limit', '15', '--window-ms', '1000'],
  env: {
    WORKER_CONCURRENCY: '4',
    SHUTDOWN_GRACE_MS: '5000',
    INTERCOM_RATE_LIMIT_PER_10S: '15', // per window: the simulator's windows are 1 s
    INTERCOM_RATE_LIMIT_WINDOW_MS: '1000',
  },
});
let sim: SimulatorProcess;
let stack: Stack;

beforeAll(() => {
  ({ sim, stack } = relay);
});

function metricSum(text: string, name: string, filter = ''): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(name) && line.includes(filter))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('the first slice, end to end: HTTP → Redis → worker processes → simulator over HTTP', () => {
  it('syncs a CRM batch within the rate budget and ingests the webhooks Intercom sends back', async () => {
    const contacts = Array.from({ length: 60 }, (_, i) => ({
      external_id: `e2e-${i}`,
      email: `user${i}@example.com`,
    }));
    const response = await fetch(`${stack.ingressUrl}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contacts: [...contacts, { email: 'missing-id@example.com' }] }),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: unknown[]; rejected: { index: number }[] };
    expect(body.accepted).toHaveLength(60);
    expect(body.rejected).toEqual([
      expect.objectContaining({ index: 60, code: 'PAYLOAD_INVALID' }),
    ]);

    const synced = await waitFor(
      () => sim.contacts(),
      (value) => value.total_count >= 60,
    );
    expect(synced.total_count).toBe(60);
    const stats = await sim.stats();
    expect(stats.rateLimited).toBe(0); // 60 creates at 15/s: the shared budget kept both workers under it

    const ingressMetrics = await waitFor(
      async () => (await fetch(`${stack.ingressUrl}/metrics`)).text(),
      (text) => metricSum(text, 'relay_webhooks_total', 'outcome="accepted"') >= 60,
    );
    expect(metricSum(ingressMetrics, 'relay_webhooks_total', 'outcome="accepted"')).toBe(60);

    const workerMetrics = await Promise.all(
      stack.workerMetricsUrls.map(async (url) => (await fetch(`${url}/metrics`)).text()),
    );
    const completed = workerMetrics.reduce(
      (sum, text) =>
        sum + metricSum(text, 'relay_jobs_total', 'queue="relay-sync",outcome="completed"'),
      0,
    );
    expect(completed).toBe(60);
    const waitedForPermits = workerMetrics.reduce(
      (sum, text) => sum + metricSum(text, 'relay_jobs_total', 'outcome="rate_limited"'),
      0,
    );
    expect(waitedForPermits).toBeGreaterThan(0);
    expect(
      workerMetrics.reduce(
        (sum, text) => sum + metricSum(text, 'relay_jobs_total', 'outcome="failed"'),
        0,
      ),
    ).toBe(0);
  });

  it('keeps every metric label low-cardinality: no id, email or external id in any label', async () => {
    const texts = await Promise.all(
      [stack.ingressUrl, ...stack.workerMetricsUrls].map(async (url) =>
        (await fetch(`${url}/metrics`)).text(),
      ),
    );
    const labelValues = texts
      .join('\n')
      .split('\n')
      .filter((line) => !line.startsWith('#') && line.includes('{'))
      .flatMap((line) => [...line.matchAll(/="([^"]*)"/g)].map((match) => match[1] ?? ''));
    expect(labelValues.length).toBeGreaterThan(50);
    const idLike = [
      /[0-9a-f]{24}/, // Intercom ids
      /[0-9a-f]{8}-[0-9a-f]{4}-/, // uuids (job ids, request ids)
      /@/, // emails
      /e2e-\d/, // this test's external ids
      /notif_/, // webhook notification ids
      /\d{6,}/, // long numbers (timestamps, numeric ids)
    ];
    for (const value of labelValues) {
      for (const pattern of idLike) expect(value, `label value "${value}"`).not.toMatch(pattern);
    }
    expect(texts[0]).toMatch(/relay_queue_oldest_job_age_seconds\{queue="relay-sync"/);
    expect(texts[1]).toMatch(/intercom_budget_allowed_per_window\{[^}]*\} 13/); // 15 less 10 %
  });

  it('stops a worker on SIGTERM within its grace period, exit code 0', async () => {
    const worker = stack.workers[0];
    if (!worker) throw new Error('no worker');
    const started = Date.now();
    await worker.stop(15_000);
    expect(worker.child.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
