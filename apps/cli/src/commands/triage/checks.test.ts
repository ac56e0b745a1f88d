import { readFileSync } from 'node:fs';
import { parsePrometheusText } from '@relay/telemetry';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateTriage, urgentFailures } from './checks.ts';
import type { TriageInput } from './sources.ts';

const INGRESS_HEALTHY = `
relay_queue_jobs{queue="relay-sync",state="failed",service="ingress"} 2
relay_queue_jobs{queue="relay-erasure",state="failed",service="ingress"} 0
relay_queue_oldest_job_age_seconds{queue="relay-sync",service="ingress"} 12
relay_queue_oldest_job_age_seconds{queue="relay-webhook",service="ingress"} 1
relay_webhooks_total{topic="contact.user.created",outcome="accepted",service="ingress"} 40
intercom_status_page_operational{service="ingress"} 1
`;

function worker(calls: Record<string, number>, extra = '') {
  const lines = Object.entries(calls).map(
    ([code, n]) =>
      `intercom_requests_total{endpoint="/contacts",method="POST",status_class="${code[0]}xx",code="${code}",service="worker"} ${n}`,
  );
  return `${lines.join('\n')}\nintercom_budget_allowed_per_window{service="worker"} 100\n${extra}`;
}

function input(options: {
  workerBefore: string;
  workerAfter: string;
  ingressAfter?: string;
}): TriageInput {
  return {
    windows: [
      {
        url: 'http://ingress/metrics',
        role: 'ingress',
        first: parsePrometheusText(INGRESS_HEALTHY),
        last: parsePrometheusText(options.ingressAfter ?? INGRESS_HEALTHY),
        seconds: 10,
      },
      {
        url: 'http://worker/metrics',
        role: 'worker',
        first: parsePrometheusText(options.workerBefore),
        last: parsePrometheusText(options.workerAfter),
        seconds: 10,
      },
    ],
    unreachable: [],
    workersConfigured: 1,
    readiness: {
      reachable: true,
      httpStatus: 200,
      status: 'healthy',
      redis: { status: 'up', usedRatio: 0.1 },
      intercom: { status: 'up', authenticated: true, error: null },
    },
    statusPage: {
      ok: true,
      indicator: 'none',
      description: 'All Systems Operational',
      operational: true,
    },
    admin: { configured: false },
    intervalSeconds: 10,
  };
}

const byId = (checks: ReturnType<typeof evaluateTriage>) =>
  Object.fromEntries(checks.map((c) => [c.id, c]));

describe('evaluateTriage', () => {
  it('finds nothing urgent in a healthy window, and reads counters as increases', () => {
    const checks = evaluateTriage(
      input({
        workerBefore: worker({ 200: 1000, 503: 50 }),
        workerAfter: worker({ 200: 1100, 503: 50 }),
      }),
    );
    expect(urgentFailures(checks)).toEqual([]);
    expect(byId(checks)['intercom-5xx']?.finding).toMatch(/^0 of 100 calls answered 5xx in 10.0 s/);
  });

  it('fails the 5xx, error-rate and circuit checks during an outage, P1 first', () => {
    const checks = evaluateTriage(
      input({
        workerBefore: worker({ 200: 1000, 503: 0 }),
        workerAfter: worker({ 200: 1000, 503: 40 }, 'intercom_circuit_state{service="worker"} 2'),
      }),
    );
    const failed = urgentFailures(checks).map((check) => check.id);
    expect(failed).toEqual(['intercom-5xx', 'circuit', 'intercom-errors']);
    expect(byId(checks)['intercom-5xx']?.finding).toMatch(
      /40 of 40 calls answered 5xx in 10.0 s \(240\/min/,
    );
    expect(checks[0]?.severity).toBe('P1');
  });

  it('fails on a single 401 and on new dead letters', () => {
    const checks = byId(
      evaluateTriage(
        input({
          workerBefore: worker({ 200: 10 }),
          workerAfter: worker({ 200: 10, 401: 1 }),
          ingressAfter: INGRESS_HEALTHY.replace(
            'state="failed",service="ingress"} 2',
            'state="failed",service="ingress"} 5',
          ),
        }),
      ),
    );
    expect(checks['intercom-401']?.status).toBe('fail');
    expect(checks['dead-letters']?.finding).toBe('growing in 10.0 s: sync +3 (now 5)');
  });

  it('says what it cannot know without worker metrics instead of calling it ok', () => {
    const healthy = input({ workerBefore: worker({}), workerAfter: worker({}) });
    const checks = byId(
      evaluateTriage({ ...healthy, windows: healthy.windows.slice(0, 1), workersConfigured: 0 }),
    );
    expect(checks['intercom-5xx']?.status).toBe('unknown');
    expect(checks.coverage?.finding).toMatch(/WORKER_METRICS_URLS not set/);
  });

  it('does not ask for WORKER_METRICS_URLS when it is set and no worker answered', () => {
    const healthy = input({ workerBefore: worker({}), workerAfter: worker({}) });
    const checks = byId(
      evaluateTriage({
        ...healthy,
        windows: healthy.windows.slice(0, 1),
        unreachable: [{ url: 'http://worker/metrics', role: 'worker', detail: 'timed out' }],
      }),
    );
    expect(checks['intercom-5xx']?.finding).toBe(
      'no worker metrics: no worker in WORKER_METRICS_URLS answered (see metrics endpoints)',
    );
    expect(checks['metrics-reachable']?.status).toBe('fail');
  });

  it("fails webhook signatures above the alert's 5 rejects in 10 minutes, not on one", () => {
    const rejects = (n: number) =>
      `${INGRESS_HEALTHY}relay_webhooks_total{topic="unknown",outcome="signature_invalid",service="ingress"} ${n}\n`;
    const healthy = input({ workerBefore: worker({}), workerAfter: worker({}) });
    const signatures = (ingressBefore: string, ingressAfter: string, seconds = 10) => {
      const [ingress, ...rest] = healthy.windows;
      const windows = [
        {
          ...(ingress as (typeof healthy.windows)[number]),
          first: seconds === 10 ? parsePrometheusText(ingressBefore) : null,
          last: parsePrometheusText(ingressAfter),
          seconds,
        },
        ...rest,
      ];
      return byId(evaluateTriage({ ...healthy, windows }))['webhook-signatures'];
    };
    expect(signatures(rejects(0), rejects(1))).toMatchObject({
      severity: 'P2',
      status: 'ok',
      finding: '1 webhook(s) rejected for a bad signature in 10.0 s (alert > 5 in 10 min)',
    });
    expect(signatures(rejects(0), rejects(5))?.status).toBe('ok');
    expect(signatures(rejects(0), rejects(6))?.status).toBe('fail');
    // Counted since a start an hour ago (--interval 0): scaled to 10 minutes.
    expect(signatures('', rejects(30), 3_600)?.status).toBe('ok');
    expect(signatures('', rejects(36), 3_600)?.status).toBe('fail');
  });

  it("rates a lane's waiting jobs and dead letters by that lane's alert", () => {
    const evaluate = (ingressAfter: string) =>
      evaluateTriage(input({ workerBefore: worker({}), workerAfter: worker({}), ingressAfter }));
    const backfillLate = evaluate(
      `${INGRESS_HEALTHY}relay_queue_oldest_job_age_seconds{queue="relay-backfill",service="ingress"} 25200\n`,
    );
    expect(byId(backfillLate)['oldest-waiting']).toMatchObject({ severity: 'P4', status: 'fail' });
    expect(urgentFailures(backfillLate)).toEqual([]);
    const erasureLate = evaluate(
      `${INGRESS_HEALTHY}relay_queue_oldest_job_age_seconds{queue="relay-erasure",service="ingress"} 700\n`,
    );
    expect(byId(erasureLate)['oldest-waiting']).toMatchObject({ severity: 'P2', status: 'fail' });
    expect(urgentFailures(erasureLate).map((check) => check.id)).toEqual(['oldest-waiting']);

    const syncFailing = evaluate(
      INGRESS_HEALTHY.replace(
        'state="failed",service="ingress"} 2',
        'state="failed",service="ingress"} 3',
      ),
    );
    expect(byId(syncFailing)['dead-letters']).toMatchObject({ severity: 'P3', status: 'fail' });
    expect(urgentFailures(syncFailing)).toEqual([]);
    const erasureFailing = evaluate(
      INGRESS_HEALTHY.replace(
        'queue="relay-erasure",state="failed",service="ingress"} 0',
        'queue="relay-erasure",state="failed",service="ingress"} 1',
      ),
    );
    expect(byId(erasureFailing)['dead-letters']).toMatchObject({ severity: 'P2', status: 'fail' });
  });

  it('reports the Redis failover: the primary and replicas, a failover in progress, replicas short', () => {
    const healthy = input({ workerBefore: worker({}), workerAfter: worker({}) });
    const withRedis = (redis: Record<string, unknown>) => {
      const readiness = healthy.readiness.reachable ? healthy.readiness : undefined;
      if (!readiness) throw new Error('the healthy input has a readiness');
      const ready = { ...readiness, redis: { ...readiness.redis, ...redis } };
      return byId(evaluateTriage({ ...healthy, readiness: ready }));
    };
    const replicated = withRedis({
      mode: 'sentinel',
      primary: '10.0.0.6:6379',
      replicas: { linked: 1, confirming: 1, required: 1 },
    });
    expect(replicated.redis).toMatchObject({
      status: 'ok',
      finding: 'up (from /readyz) · sentinel, primary 10.0.0.6:6379, 1 replica linked',
    });
    expect(replicated['redis-replicas']).toMatchObject({ severity: 'P1', status: 'ok' });

    const failingOver = withRedis({
      status: 'reconnecting',
      mode: 'cluster',
      primary: null,
      downForMs: 4_000,
      replicas: { linked: null, confirming: null, required: 1 },
    });
    expect(failingOver.redis).toMatchObject({ status: 'fail', next: 'RUNBOOK.md#redis-failover' });
    expect(failingOver.redis?.finding).toMatch(/^not answering for 4 s \(cluster\): a failover/);

    const short = withRedis({
      mode: 'cluster',
      primary: '10.0.0.7:6379',
      replicas: { linked: 0, confirming: 0, required: 1 },
    });
    expect(short['redis-replicas']).toMatchObject({
      severity: 'P1',
      status: 'fail',
      finding:
        '0 confirming of 0 linked, 1 required (REDIS_ACK_REPLICAS): every store answers 503 until one catches up',
      next: 'RUNBOOK.md#redis-failover',
    });
    expect(urgentFailures(Object.values(short)).map((check) => check.id)).toEqual([
      'redis-replicas',
    ]);
    // One Redis without REDIS_ACK_REPLICAS: no replica check at all.
    expect(withRedis({})['redis-replicas']).toBeUndefined();
  });

  it('rates each check as the alert it points to does, so triage and the pager agree', () => {
    const rules = parse(readFileSync(`${REPO_ROOT}/deploy/prometheus/alerts.yml`, 'utf8')) as {
      groups: { rules: { alert: string; labels: { severity: string } }[] }[];
    };
    const severities = new Map<string, Set<string>>();
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      const anchor = rule.alert.toLowerCase();
      severities.set(anchor, (severities.get(anchor) ?? new Set()).add(rule.labels.severity));
    }
    const outage = evaluateTriage(
      input({
        workerBefore: worker({ 200: 1000, 503: 0 }),
        workerAfter: worker({ 200: 1000, 503: 40 }, 'intercom_circuit_state{service="worker"} 2'),
      }),
    );
    const anchorOf = (check: { next?: string }) =>
      /RUNBOOK\.md#([a-z0-9-]+)/.exec(check.next ?? '')?.[1];
    const pointing = outage.filter((check) => anchorOf(check) !== undefined);
    expect(pointing.length).toBeGreaterThan(8);
    for (const check of pointing) {
      const anchor = anchorOf(check) ?? '';
      const alert = severities.get(anchor);
      if (!alert) continue; // a runbook section that is not an alert
      expect([...alert], `${check.id} → ${anchor}`).toContain(check.severity);
    }
  });
});
