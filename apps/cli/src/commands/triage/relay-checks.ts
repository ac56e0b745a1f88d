import { describeReadiness } from '../../relay/readyz.ts';
import { percentText, secondsText, spanText, type TriageCheck } from './check.ts';
import type { TriageInput } from './sources.ts';
import { gaugeDeltaBy, gaugeMax, gaugeMaxBy, increase } from './window.ts';

/**
 * How long the oldest job of each lane may wait, as in deploy/prometheus/alerts.yml:
 * erasures and webhook work run within seconds, CRM pushes within minutes, backfills hours.
 */
const MAX_WAIT_SECONDS: Record<string, number> = {
  'relay-erasure': 600,
  'relay-webhook': 300,
  'relay-sync': 1_800,
  'relay-backfill': 21_600,
};
const REDIS_MEMORY_WARN = 0.8;
/** With noeviction, a full Redis refuses every write: nothing is acknowledged any more. */
const REDIS_MEMORY_CRITICAL = 0.95;

const laneOf = (queue: string) => queue.replace(/^relay-/, '');

/** Checks on the relay itself: ingress, Redis, queues, webhooks, what could be read. */
export function relayChecks(input: TriageInput): TriageCheck[] {
  const ingress = input.windows.filter((window) => window.role === 'ingress');
  const span = spanText(input.intervalSeconds);
  const ready = input.readiness;
  const checks: TriageCheck[] = [];

  checks.push({
    severity: 'P1',
    id: 'ingress',
    title: 'ingress /readyz',
    status: ready.reachable && ready.status !== 'unhealthy' ? 'ok' : 'fail',
    finding: describeReadiness(ready),
    next: 'RUNBOOK.md#ingress-not-ready',
  });
  checks.push({
    severity: 'P1',
    id: 'redis',
    title: 'Redis',
    status: !ready.reachable ? 'unknown' : ready.redis.status === 'up' ? 'ok' : 'fail',
    finding: ready.reachable
      ? `${ready.redis.status} (from /readyz)${ready.redis.status === 'up' ? '' : ': the ingress answers 503, nothing is acknowledged'}`
      : 'the ingress did not answer',
    next: 'RUNBOOK.md#webhooksnotstored',
  });

  const deltas =
    ingress.length > 0
      ? gaugeDeltaBy(ingress, 'relay_queue_jobs', 'queue', { state: 'failed' })
      : undefined;
  const failedNow = gaugeMaxBy(
    ingress.map((window) => ({
      ...window,
      last: window.last.filter((s) => s.labels.state === 'failed'),
    })),
    'relay_queue_jobs',
    'queue',
  );
  const totalFailed = [...failedNow.values()].reduce((sum, n) => sum + n, 0);
  const growing = [...(deltas ?? new Map<string, number>())].filter(([, delta]) => delta > 0);
  checks.push({
    severity: 'P2',
    id: 'dead-letters',
    title: 'dead letters',
    status: ingress.length === 0 || !deltas ? 'unknown' : growing.length > 0 ? 'fail' : 'ok',
    finding:
      ingress.length === 0
        ? 'no ingress metrics'
        : growing.length > 0
          ? `growing ${span}: ${growing.map(([queue, delta]) => `${laneOf(queue)} +${delta} (now ${failedNow.get(queue)})`).join(', ')}`
          : deltas
            ? `${totalFailed} dead letters, none new ${span}`
            : `${totalFailed} dead letters (growth needs two samples: --interval > 0)`,
    next: 'relay queues list · relay queues replay <lane> · RUNBOOK.md#deadlettersgrowing',
  });

  const unstored = increase(ingress, 'relay_webhooks_total', { outcome: 'unavailable' });
  checks.push({
    severity: 'P1',
    id: 'webhooks-stored',
    title: 'webhooks stored',
    status: ingress.length === 0 ? 'unknown' : unstored > 0 ? 'fail' : 'ok',
    finding:
      unstored > 0
        ? `${unstored} webhook(s) answered 503 (not stored) ${span}`
        : `none refused ${span}`,
    next: 'RUNBOOK.md#webhooksnotstored',
  });

  const ages = gaugeMaxBy(ingress, 'relay_queue_oldest_job_age_seconds', 'queue');
  const over = [...ages].filter(
    ([queue, age]) => age > (MAX_WAIT_SECONDS[queue] ?? Number.POSITIVE_INFINITY),
  );
  const oldest = [...ages].sort((a, b) => b[1] - a[1])[0];
  checks.push({
    severity: 'P2',
    id: 'oldest-waiting',
    title: 'oldest waiting job',
    status: ages.size === 0 ? 'unknown' : over.length > 0 ? 'fail' : 'ok',
    finding:
      ages.size === 0
        ? ingress.length === 0
          ? 'no ingress metrics'
          : 'not reported: the ingress has not read the queues from Redis since it started'
        : over.length > 0
          ? over
              .map(
                ([queue, age]) =>
                  `${laneOf(queue)} ${secondsText(age)} (> ${secondsText(MAX_WAIT_SECONDS[queue] ?? 0)})`,
              )
              .join(', ')
          : `every lane within its limit (longest: ${laneOf(oldest?.[0] ?? '')} ${secondsText(oldest?.[1] ?? 0)})`,
    next: 'relay queues list · RUNBOOK.md#queuejobwaitingtoolong',
  });

  checks.push(pausedCheck(input));

  checks.push({
    severity: 'P2',
    id: 'metrics-reachable',
    title: 'metrics endpoints',
    status: input.unreachable.length > 0 ? 'fail' : 'ok',
    finding:
      input.unreachable.length > 0
        ? input.unreachable.map((u) => `${u.role} ${u.detail}`).join('; ')
        : `${input.windows.length} of ${input.windows.length} answered`,
    next: 'RUNBOOK.md#relaytargetdown',
  });

  const rejected = increase(ingress, 'relay_webhooks_total', { outcome: 'signature_invalid' });
  checks.push({
    severity: 'P2',
    id: 'webhook-signatures',
    title: 'webhook signatures',
    status: ingress.length === 0 ? 'unknown' : rejected > 0 ? 'fail' : 'ok',
    finding: `${rejected} webhook(s) rejected for a bad signature ${span}`,
    next: 'RUNBOOK.md#webhooksignaturerejected',
  });

  const ratio =
    (ready.reachable ? ready.redis.usedRatio : null) ??
    gaugeMax(ingress, 'relay_redis_memory_used_ratio');
  checks.push({
    severity: ratio !== undefined && ratio > REDIS_MEMORY_CRITICAL ? 'P1' : 'P2',
    id: 'redis-memory',
    title: 'Redis memory',
    status: ratio === undefined ? 'unknown' : ratio > REDIS_MEMORY_WARN ? 'fail' : 'ok',
    finding:
      ratio === undefined
        ? 'not reported'
        : ratio === 0
          ? 'no maxmemory set on Redis (ratio 0)'
          : `${percentText(ratio)} of maxmemory used (alert > ${percentText(REDIS_MEMORY_WARN)})`,
    next: 'RUNBOOK.md#redismemorynearlyfull',
  });

  checks.push(coverageCheck(input));
  return checks;
}

function pausedCheck(input: TriageInput): TriageCheck {
  const base = { severity: 'P3' as const, id: 'paused', title: 'paused lanes' };
  if (!input.admin.configured) {
    return {
      ...base,
      status: 'unknown',
      finding: 'ADMIN_TOKEN not set: pauses are visible only through the admin API',
      next: '',
    };
  }
  if (!input.admin.queues) {
    return {
      ...base,
      status: 'unknown',
      finding: input.admin.error ?? 'admin API unavailable',
      next: '',
    };
  }
  const paused = input.admin.queues.filter((queue) => queue.paused).map((queue) => queue.lane);
  return {
    ...base,
    status: paused.length > 0 ? 'fail' : 'ok',
    finding:
      paused.length > 0
        ? `paused: ${paused.join(', ')} (jobs wait; nothing is lost)`
        : 'no lane is paused',
    next:
      paused.length > 0
        ? `relay queues resume ${paused[0]} (if the pause is over) · RUNBOOK.md#queuepaused`
        : '',
  };
}

function coverageCheck(input: TriageInput): TriageCheck {
  const missing: string[] = [];
  if (input.workersConfigured === 0)
    missing.push('WORKER_METRICS_URLS not set (Intercom call checks unknown)');
  if (!input.admin.configured) missing.push('ADMIN_TOKEN not set (paused lanes unknown)');
  else if (!input.admin.queues) missing.push(`admin API: ${input.admin.error ?? 'no answer'}`);
  if (!input.statusPage.ok) missing.push(`status page: ${input.statusPage.detail}`);
  const workers = input.windows.filter((window) => window.role === 'worker').length;
  return {
    severity: 'P4',
    id: 'coverage',
    title: 'what triage could read',
    status: missing.length > 0 ? 'unknown' : 'ok',
    finding:
      missing.length > 0
        ? missing.join('; ')
        : `ingress, ${workers} worker(s), admin API, status page`,
    next: '',
  };
}
