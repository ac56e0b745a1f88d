import { describeReadiness, type Readiness, type RedisReadiness } from '../../relay/readyz.ts';
import { ALERT_RULES, type AlertRule, mostSevere, TRIAGE_ONLY_SEVERITY } from './alert-rules.ts';
import { percentText, type Severity, secondsText, spanText, type TriageCheck } from './check.ts';
import type { TriageInput } from './sources.ts';
import { gaugeDeltaBy, gaugeMax, gaugeMaxBy, increase } from './window.ts';

/**
 * How long the oldest job of each lane may wait, and how severe it is when it waits longer
 * (alert-rules.ts): erasures and webhook work run within seconds, CRM pushes within minutes,
 * backfills hours.
 */
const WAIT_RULES: Record<string, AlertRule & { threshold: number }> = ALERT_RULES.oldestWaiting;
const { deadLetters, redisMemory, webhookSignatures } = ALERT_RULES;
const REDIS_MEMORY_WARN = redisMemory.nearlyFull.threshold;
/** With noeviction, a full Redis refuses every write: nothing is acknowledged any more. */
const REDIS_MEMORY_CRITICAL = redisMemory.full.threshold;
/** A check's severity when nothing fails: the most severe it can have. */
const worstOf = (rules: readonly { severity: Severity }[]) =>
  mostSevere(rules.map((r) => r.severity)) ?? 'P1';

const laneOf = (queue: string) => queue.replace(/^relay-/, '');

/** Checks on the relay itself: ingress, Redis, queues, webhooks, what could be read. */
export function relayChecks(input: TriageInput): TriageCheck[] {
  const ingress = input.windows.filter((window) => window.role === 'ingress');
  const span = spanText(input.intervalSeconds);
  const ready = input.readiness;
  const checks: TriageCheck[] = [];

  checks.push({
    severity: TRIAGE_ONLY_SEVERITY.ingressReady,
    id: 'ingress',
    title: 'ingress /readyz',
    status: ready.reachable && ready.status !== 'unhealthy' ? 'ok' : 'fail',
    finding: describeReadiness(ready),
    next: 'RUNBOOK.md#ingress-not-ready',
  });
  checks.push(redisCheck(ready));
  if (ready.reachable && ready.redis.replicas) checks.push(replicasCheck(ready.redis.replicas));

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
  const growingRules = growing.map(([queue]) =>
    queue === deadLetters.erasure.queue ? deadLetters.erasure : deadLetters.otherLanes,
  );
  checks.push({
    severity: worstOf(growingRules.length > 0 ? growingRules : Object.values(deadLetters)),
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
    severity: ALERT_RULES.webhooksNotStored.severity,
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
    ([queue, age]) => age > (WAIT_RULES[queue]?.threshold ?? Number.POSITIVE_INFINITY),
  );
  const oldest = [...ages].sort((a, b) => b[1] - a[1])[0];
  const overRules = over.flatMap(([queue]) => WAIT_RULES[queue] ?? []);
  checks.push({
    severity: worstOf(overRules.length > 0 ? overRules : Object.values(WAIT_RULES)),
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
                  `${laneOf(queue)} ${secondsText(age)} (> ${secondsText(WAIT_RULES[queue]?.threshold ?? 0)})`,
              )
              .join(', ')
          : `every lane within its limit (longest: ${laneOf(oldest?.[0] ?? '')} ${secondsText(oldest?.[1] ?? 0)})`,
    next: 'relay queues list · RUNBOOK.md#queuejobwaitingtoolong',
  });

  checks.push(pausedCheck(input));

  checks.push({
    severity: ALERT_RULES.metricsReachable.severity,
    id: 'metrics-reachable',
    title: 'metrics endpoints',
    status: input.unreachable.length > 0 ? 'fail' : 'ok',
    finding:
      input.unreachable.length > 0
        ? input.unreachable.map((u) => `${u.role} ${u.detail}`).join('; ')
        : `${input.windows.length} of ${input.windows.length} answered`,
    next: 'RUNBOOK.md#relaytargetdown',
  });

  checks.push(signatureCheck(ingress, span));

  const ratio =
    (ready.reachable ? ready.redis.usedRatio : null) ??
    gaugeMax(ingress, 'relay_redis_memory_used_ratio');
  checks.push({
    severity:
      ratio !== undefined && ratio > REDIS_MEMORY_CRITICAL
        ? redisMemory.full.severity
        : redisMemory.nearlyFull.severity,
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

/**
 * The alert counts rejects over its window (10 min). Over a shorter span the count is a lower
 * bound of the alert's (more may have come before); a longer one (--interval 0: since each
 * process started) is scaled down to the window, as a rate.
 */
function signatureCheck(ingress: TriageInput['windows'], span: string): TriageCheck {
  const filter = { outcome: 'signature_invalid' };
  const { threshold, windowSeconds } = webhookSignatures;
  const rejected = increase(ingress, 'relay_webhooks_total', filter);
  const inWindow = ingress.reduce(
    (sum, window) =>
      sum +
      (increase([window], 'relay_webhooks_total', filter) * windowSeconds) /
        Math.max(window.seconds, windowSeconds),
    0,
  );
  return {
    severity: webhookSignatures.severity,
    id: 'webhook-signatures',
    title: 'webhook signatures',
    status: ingress.length === 0 ? 'unknown' : inWindow > threshold ? 'fail' : 'ok',
    finding: `${rejected} webhook(s) rejected for a bad signature ${span} (alert > ${threshold} in ${secondsText(windowSeconds)})`,
    next: 'RUNBOOK.md#webhooksignaturerejected',
  };
}

function pausedCheck(input: TriageInput): TriageCheck {
  const base = { severity: ALERT_RULES.paused.severity, id: 'paused', title: 'paused lanes' };
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
    severity: TRIAGE_ONLY_SEVERITY.coverage,
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

/** Where the queues are: `sentinel, primary 10.0.0.5:6379, 1 replica linked`. */
function topologyText(redis: RedisReadiness): string {
  if (!redis.mode || redis.mode === 'single') return '';
  const parts = [redis.mode];
  if (redis.primary) parts.push(`primary ${redis.primary}`);
  const linked = redis.replicas?.linked;
  if (typeof linked === 'number') parts.push(`${linked} replica${linked === 1 ? '' : 's'} linked`);
  return ` · ${parts.join(', ')}`;
}

function redisCheck(ready: Readiness): TriageCheck {
  const base = { severity: TRIAGE_ONLY_SEVERITY.redis, id: 'redis', title: 'Redis' } as const;
  if (!ready.reachable) {
    return { ...base, status: 'unknown', finding: 'the ingress did not answer', next: '' };
  }
  const redis = ready.redis;
  if (redis.status === 'up') {
    return { ...base, status: 'ok', finding: `up (from /readyz)${topologyText(redis)}`, next: '' };
  }
  if (redis.status === 'reconnecting') {
    return {
      ...base,
      status: 'fail',
      finding: `not answering for ${secondsText((redis.downForMs ?? 0) / 1_000)} (${redis.mode}): a failover in progress; the relay follows the new primary by itself and answers stores 503 meanwhile`,
      next: 'RUNBOOK.md#redis-failover',
    };
  }
  return {
    ...base,
    status: 'fail',
    finding: `${redis.status} (from /readyz): the ingress answers 503, nothing is acknowledged`,
    next: 'RUNBOOK.md#webhooksnotstored',
  };
}

/** Replicas able to confirm stores against REDIS_ACK_REPLICAS (present behind Sentinel or a cluster, or with it set). */
function replicasCheck({
  linked,
  confirming,
  required,
}: NonNullable<RedisReadiness['replicas']>): TriageCheck {
  const base = {
    severity: TRIAGE_ONLY_SEVERITY.redisReplicas,
    id: 'redis-replicas',
    title: 'Redis replicas',
  } as const;
  const counted = `${confirming ?? '?'} confirming of ${linked ?? '?'} linked`;
  if (confirming === null) {
    return { ...base, status: 'unknown', finding: 'Redis did not answer', next: '' };
  }
  if (confirming < required) {
    return {
      ...base,
      status: 'fail',
      finding: `${counted}, ${required} required (REDIS_ACK_REPLICAS): every store answers 503 until one catches up`,
      next: 'RUNBOOK.md#redis-failover',
    };
  }
  return {
    ...base,
    status: 'ok',
    finding:
      required === 0
        ? `${counted}; none required (REDIS_ACK_REPLICAS=0): a failover can lose what the primary acknowledged and had not yet copied`
        : `${counted}, ${required} required: acknowledged means replicated`,
    next: '',
  };
}
