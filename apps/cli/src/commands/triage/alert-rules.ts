import type { Severity } from './check.ts';

/**
 * One rule of deploy/prometheus/alerts.yml as triage applies it: the alert, its severity
 * label, and the number its expression compares with (`queue` names the series a per-lane
 * rule is about; `!relay-erasure` is every other lane).
 */
export type AlertRule = {
  alert: string;
  severity: Severity;
  threshold?: number;
  /** `>` unless the rule says `>=`. */
  comparison?: '>' | '>=';
  queue?: string;
  /** The span the rule counts over (`increase(…[10m])`), in seconds. */
  windowSeconds?: number;
};

/**
 * The severities and thresholds of the alerts triage's checks stand for: the one place the
 * checks, `relay triage --help` and the CLI README take them from. alert-rules.test.ts reads
 * alerts.yml and fails when they disagree, either way (a rule changed, added or dropped).
 */
export const ALERT_RULES = {
  intercomUnauthorized: { alert: 'IntercomUnauthorized', severity: 'P1', threshold: 0 },
  /** 5xx answers per minute. */
  intercom5xx: { alert: 'IntercomServerErrors', severity: 'P1', threshold: 10 },
  /** Share of calls that failed. */
  intercomErrors: { alert: 'IntercomErrorRateHigh', severity: 'P2', threshold: 0.05 },
  /** 429 answers per minute. */
  intercom429: { alert: 'IntercomRateLimited', severity: 'P2', threshold: 5 },
  /** P95 latency, seconds. */
  intercomLatency: { alert: 'IntercomLatencyHigh', severity: 'P2', threshold: 2 },
  /** intercom_circuit_state: 1 half-open, 2 open. */
  circuit: { alert: 'IntercomCircuitOpen', severity: 'P2', threshold: 1, comparison: '>=' },
  /** Share of the window's calls taken. */
  budget: { alert: 'IntercomBudgetNearlySpent', severity: 'P3', threshold: 0.8 },
  statusPage: { alert: 'IntercomStatusPageIncident', severity: 'P3' },
  /** Age of a lane's oldest waiting job, seconds. */
  oldestWaiting: {
    'relay-erasure': rule('QueueJobWaitingTooLong', 'P2', 600, 'relay-erasure'),
    'relay-webhook': rule('QueueJobWaitingTooLong', 'P2', 300, 'relay-webhook'),
    'relay-sync': rule('QueueJobWaitingTooLong', 'P3', 1_800, 'relay-sync'),
    'relay-backfill': rule('QueueJobWaitingTooLong', 'P4', 21_600, 'relay-backfill'),
  },
  /** New dead letters: a failed erasure is a GDPR request not carried out. */
  deadLetters: {
    erasure: rule('DeadLettersGrowing', 'P2', 0, 'relay-erasure'),
    otherLanes: rule('DeadLettersGrowing', 'P3', 0, '!relay-erasure'),
  },
  webhooksNotStored: { alert: 'WebhooksNotStored', severity: 'P1', threshold: 0 },
  /** Webhooks rejected for a bad signature within the window. */
  webhookSignatures: {
    alert: 'WebhookSignatureRejected',
    severity: 'P2',
    threshold: 5,
    windowSeconds: 600,
  },
  /** Share of Redis's maxmemory used. */
  redisMemory: {
    nearlyFull: { alert: 'RedisMemoryNearlyFull', severity: 'P2', threshold: 0.8 },
    full: { alert: 'RedisMemoryNearlyFull', severity: 'P1', threshold: 0.95 },
  },
  paused: { alert: 'QueuePaused', severity: 'P3' },
  metricsReachable: { alert: 'RelayTargetDown', severity: 'P2' },
} as const satisfies Record<string, AlertRule | Record<string, AlertRule>>;

/** Alerts triage has no check for, and why. */
export const ALERTS_NOT_IN_TRIAGE = {
  DeadLettersTrimmed: 'a past event (removal to free Redis), told by the workers’ warning',
  IntercomStatusPageUnreadable: 'triage reads the status page itself; unreadable is "unknown"',
  ContactIdentityConflict:
    'a record-level conflict a human resolves in the CRM; `relay queues dead-letters` lists its jobs',
  FeedChangesFoundByReconciliation:
    'an hour-long share, more than triage samples; `relay feed tail` shows each change’s source',
  FeedConflicts:
    'a question of who owns a field, not an outage; the dashboard’s change feed row counts them',
  CrmEndpointFailing:
    'the CRM’s endpoint, not the relay; `relay feed status` shows its state and what waits',
  CrmEndpointDisabled:
    'the CRM answered 410; `relay feed status` says so, `relay feed enable` resumes',
  CrmDeliveryLagHigh:
    'a 5-minute percentile of the CRM push; the dashboard’s CRM push row shows it',
  CrmDeliveriesStalled:
    'a 10-minute absence of deliveries; `relay feed status` shows the records waiting',
} as const;

/** Triage's checks that stand for no alert. */
export const TRIAGE_ONLY_SEVERITY = {
  ingressReady: 'P1',
  redis: 'P1',
  /** Fewer replicas confirming than REDIS_ACK_REPLICAS: every store answers 503. */
  redisReplicas: 'P1',
  coverage: 'P4',
} as const satisfies Record<string, Severity>;

function rule(
  alert: string,
  severity: Severity,
  threshold: number,
  queue: string,
): AlertRule & { threshold: number; queue: string } {
  return { alert, severity, threshold, queue };
}

/** The most severe of some severities (P1 before P4). */
export function mostSevere(severities: readonly Severity[]): Severity | undefined {
  return [...severities].sort()[0];
}

/** Each check under its severity, as `relay triage --help` and the CLI README list them. */
export function severityList(): Record<Severity, string[]> {
  const r = ALERT_RULES;
  const wait = Object.entries(r.oldestWaiting).map(
    ([queue, lane]) =>
      [lane.severity, `${queue.replace(/^relay-/, '')} > ${duration(lane.threshold)}`] as const,
  );
  const items: [Severity, string][] = [
    [
      r.intercomUnauthorized.severity,
      'Intercom 401/403 (any; also /readyz saying the token is refused)',
    ],
    [r.intercomUnauthorized.severity, 'Intercom token hold (calls held after a refused token)'],
    [r.intercom5xx.severity, `Intercom 5xx (> ${r.intercom5xx.threshold}/min)`],
    [TRIAGE_ONLY_SEVERITY.ingressReady, 'ingress /readyz'],
    [TRIAGE_ONLY_SEVERITY.redis, 'Redis (a failover in progress too)'],
    [
      TRIAGE_ONLY_SEVERITY.redisReplicas,
      'Redis replicas (fewer confirming than REDIS_ACK_REPLICAS)',
    ],
    [r.webhooksNotStored.severity, 'webhooks not stored (any 503)'],
    [r.redisMemory.full.severity, `Redis memory (> ${percent(r.redisMemory.full.threshold)})`],
    [r.circuit.severity, 'circuit breaker open or half-open'],
    [
      r.intercomErrors.severity,
      `Intercom error rate (> ${percent(r.intercomErrors.threshold)}, not counting 404/409/429)`,
    ],
    [r.intercom429.severity, `429s (> ${r.intercom429.threshold}/min)`],
    [r.intercomLatency.severity, `P95 latency (> ${r.intercomLatency.threshold} s)`],
    [
      r.webhookSignatures.severity,
      `webhook signature rejects (> ${r.webhookSignatures.threshold} in ${duration(r.webhookSignatures.windowSeconds)})`,
    ],
    [
      r.redisMemory.nearlyFull.severity,
      `Redis memory (> ${percent(r.redisMemory.nearlyFull.threshold)})`,
    ],
    [r.metricsReachable.severity, 'metrics endpoints answering'],
    [r.budget.severity, `rate budget use (> ${percent(r.budget.threshold)})`],
    [r.statusPage.severity, 'status page incident'],
    [r.paused.severity, 'paused lanes'],
    [r.deadLetters.erasure.severity, 'dead letters growing in erasure'],
    [r.deadLetters.otherLanes.severity, 'dead letters growing in another lane'],
    [
      TRIAGE_ONLY_SEVERITY.coverage,
      'what triage could not read (no WORKER_METRICS_URLS, no ADMIN_TOKEN, status page)',
    ],
  ];
  const list: Record<Severity, string[]> = { P1: [], P2: [], P3: [], P4: [] };
  for (const [severity, text] of items) list[severity].push(text);
  for (const severity of ['P1', 'P2', 'P3', 'P4'] as const) {
    const lanes = wait.filter(([s]) => s === severity).map(([, text]) => text);
    if (lanes.length > 0) list[severity].push(`oldest waiting job (${lanes.join(', ')})`);
  }
  return list;
}

/** The severity list as --help prints it: each severity's checks under its label, wrapped between checks. */
export function severityHelp(width = 92): string {
  return Object.entries(severityList())
    .map(([severity, items]) => {
      const label = `  ${severity}  `;
      const lines = [label];
      items.forEach((item, i) => {
        const text = i < items.length - 1 ? `${item},` : item;
        const last = lines.length - 1;
        const line = lines[last] as string;
        if (line.trim() === severity) lines[last] = `${line}${text}`;
        else if (line.length + 1 + text.length <= width) lines[last] = `${line} ${text}`;
        else lines.push(`${' '.repeat(label.length)}${text}`);
      });
      return lines.join('\n');
    })
    .join('\n');
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function duration(seconds: number): string {
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
