import { histogramQuantile, type Sample, sumBy, sumSamples } from '@relay/telemetry';

const SYNC = 'relay-sync';
const WEBHOOK = 'relay-webhook';

export function queueState(ingress: readonly Sample[], queue: string) {
  const count = (state: string) => sumSamples(ingress, 'relay_queue_jobs', { queue, state });
  return {
    pending: count('waiting') + count('active') + count('delayed') + count('prioritized'),
    active: count('active'),
    completed: count('completed'),
    failed: count('failed'),
  };
}

export function progressLine(
  elapsedS: number,
  ingress: readonly Sample[],
  workers: readonly Sample[],
): string {
  const sync = queueState(ingress, SYNC);
  const webhook = queueState(ingress, WEBHOOK);
  const calls = sumSamples(workers, 'intercom_requests_total');
  const limited = sumSamples(workers, 'intercom_rate_limited_total');
  const remainingGauges = workers
    .filter((s) => s.name === 'intercom_rate_limit_remaining')
    .map((s) => s.value);
  const remaining = remainingGauges.length > 0 ? Math.min(...remainingGauges) : '?';
  return (
    `[${String(elapsedS).padStart(3)}s] sync ${pad(sync.completed)} done ${pad(sync.pending)} pending` +
    ` | webhooks ${pad(webhook.completed)} done ${pad(webhook.pending)} pending` +
    ` | Intercom ${pad(calls)} calls, ${pad(limited)} × 429, budget left ${remaining}`
  );
}

export function summary(
  ingress: readonly Sample[],
  workers: readonly Sample[],
  crm: { received: number; refused: number },
): string {
  const byQueueOutcome = (queue: string, outcome: string) =>
    sumSamples(workers, 'relay_jobs_total', { queue, outcome });
  const calls = sumBy(workers, 'intercom_requests_total', 'code');
  const p95 = histogramQuantile(0.95, workers, 'intercom_request_duration_seconds');
  const ackP99 = histogramQuantile(0.99, ingress, 'relay_http_request_duration_seconds', {
    route: '/webhooks/intercom',
    status_class: '2xx',
  });
  const webhooks = sumBy(ingress, 'relay_webhooks_total', 'outcome');
  const rows: [string, string][] = [
    ['sync jobs completed', String(byQueueOutcome(SYNC, 'completed'))],
    ['webhook jobs completed', String(byQueueOutcome(WEBHOOK, 'completed'))],
    ['jobs failed', String(byQueueOutcome(SYNC, 'failed') + byQueueOutcome(WEBHOOK, 'failed'))],
    [
      'job retries (5xx/timeouts)',
      String(sumSamples(workers, 'relay_jobs_total', { outcome: 'retried' })),
    ],
    [
      'Intercom calls by status',
      Object.entries(calls)
        .sort()
        .map(([code, n]) => `${code}: ${n}`)
        .join(', '),
    ],
    ['Intercom 429s', String(sumSamples(workers, 'intercom_rate_limited_total'))],
    [
      'waits for a budget permit (no attempt used)',
      String(sumSamples(workers, 'relay_jobs_total', { outcome: 'rate_limited' })),
    ],
    ['P95 Intercom latency', `${(p95 * 1000).toFixed(1)} ms`],
    [
      'webhooks received',
      Object.entries(webhooks)
        .sort()
        .map(([outcome, n]) => `${outcome}: ${n}`)
        .join(', '),
    ],
    ['webhook ack P99', `${(ackP99 * 1000).toFixed(1)} ms`],
    ...pushRows(workers, crm),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** Intercom → CRM: the change feed pushed to the demo's CRM. */
function pushRows(
  workers: readonly Sample[],
  crm: { received: number; refused: number },
): [string, string][] {
  const lag = histogramQuantile(0.95, workers, 'relay_crm_delivery_lag_seconds');
  const rows: [string, string][] = [
    [
      'changes delivered to the CRM',
      String(sumSamples(workers, 'relay_crm_deliveries_total', { outcome: 'delivered' })),
    ],
    ['… verified by the CRM (standardwebhooks)', `${crm.received} (refused: ${crm.refused})`],
    [
      "echoes dropped (the relay's own writes)",
      String(sumSamples(workers, 'relay_feed_echoes_total')),
    ],
    ['delivery lag P95 (recorded → delivered)', `${(lag * 1000).toFixed(0)} ms`],
  ];
  return rows;
}

function pad(n: number): string {
  return String(n).padStart(5);
}
