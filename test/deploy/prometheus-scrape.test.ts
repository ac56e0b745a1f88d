import { E2E_CRM_TOKEN, useRelay, waitFor } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrometheusServer, startPrometheus } from './prometheus-server.ts';

const relay = useRelay({ workers: 1, env: { WORKER_CONCURRENCY: '4' } });
let prometheus: PrometheusServer;

const hostOf = (url: string) => new URL(url).host;

beforeAll(async () => {
  prometheus = await startPrometheus({
    'relay-ingress': [hostOf(relay.stack.ingressUrl)],
    'relay-worker': relay.stack.workerMetricsUrls.map(hostOf),
  });
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
}, 60_000);

async function pushContacts(prefix: string, count: number): Promise<void> {
  const contacts = Array.from({ length: count }, (_, i) => ({
    external_id: `${prefix}-${i}`,
    email: `${prefix}-${i}@example.com`,
  }));
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  expect(response.status).toBe(202);
}

/** Waits until the group has been evaluated again after now, on data scraped before it. */
async function nextEvaluation(group: string): Promise<void> {
  const after = Date.now() + 1_000; // a scrape interval: the evaluation sees a fresh scrape
  const at = await waitFor(
    () => prometheus.lastEvaluation(group),
    (value) => value > after,
    30_000,
    200,
  );
  expect(at).toBeGreaterThan(after);
}

describe('a real Prometheus scraping a running relay', () => {
  it('scrapes the ingress and the worker', async () => {
    const targets = await waitFor(
      () => prometheus.targets(),
      (list) => list.length === 2 && list.every((target) => target.health === 'up'),
      30_000,
      250,
    );
    expect(targets.map((target) => [target.labels.job, target.health]).sort()).toEqual([
      ['relay-ingress', 'up'],
      ['relay-worker', 'up'],
    ]);
    const up = await prometheus.query('up');
    expect(up.map((sample) => [sample.metric.job, sample.value[1]]).sort()).toEqual([
      ['relay-ingress', '1'],
      ['relay-worker', '1'],
    ]);
  });

  it('fires IntercomErrorRateHigh once the simulated Intercom fails, not while it works', async () => {
    await pushContacts('scrape-ok', 5);
    await waitFor(
      () => relay.sim.contacts(),
      (value) => value.total_count >= 5,
    );
    const calls = await waitFor(
      () => prometheus.query('sum(intercom_requests_total{status_class="2xx"})'),
      (result) => Number(result[0]?.value[1] ?? 0) >= 5,
      30_000,
      250,
    );
    expect(Number(calls[0]?.value[1])).toBeGreaterThanOrEqual(5);
    // The simulator sends a webhook for every contact it creates: the dashboard's ack
    // latency panels select this route label.
    const acks = await waitFor(
      () =>
        prometheus.query(
          'sum(relay_http_request_duration_seconds_count{route="/webhooks/intercom"})',
        ),
      (result) => Number(result[0]?.value[1] ?? 0) >= 5,
      30_000,
      250,
    );
    expect(Number(acks[0]?.value[1])).toBeGreaterThanOrEqual(5);
    await nextEvaluation('relay-intercom');
    const healthy = await prometheus.alerts();
    expect(healthy.filter((alert) => alert.labels.alertname === 'IntercomErrorRateHigh')).toEqual(
      [],
    );

    await relay.sim.control('POST', 'faults', { errorRates: { '503': 1 } });
    await pushContacts('scrape-failing', 20);

    const alerts = await waitFor(
      () => prometheus.alerts(),
      (list) =>
        list.some(
          (alert) => alert.labels.alertname === 'IntercomErrorRateHigh' && alert.state === 'firing',
        ),
      60_000,
      500,
    );
    expect(alerts).toContainEqual(
      expect.objectContaining({
        state: 'firing',
        labels: { alertname: 'IntercomErrorRateHigh', severity: 'P2' },
        annotations: expect.objectContaining({
          runbook_url: 'RUNBOOK.md#intercomerrorratehigh',
        }),
      }),
    );
  }, 120_000);
});
