import { ALERT_RULES } from './alert-rules.ts';
import { percentText, perMinuteText, type Severity, spanText, type TriageCheck } from './check.ts';
import type { TriageInput } from './sources.ts';
import { gaugeMax, increase, perMinute, windowQuantile } from './window.ts';

// Thresholds and severities are those of deploy/prometheus/alerts.yml (alert-rules.ts).
const { intercom5xx, intercomErrors, intercom429, intercomLatency, circuit, budget } = ALERT_RULES;
const MAX_5XX_PER_MINUTE = intercom5xx.threshold;
const MAX_ERROR_SHARE = intercomErrors.threshold;
const MAX_429_PER_MINUTE = intercom429.threshold;
const MAX_P95_SECONDS = intercomLatency.threshold;
const MAX_BUDGET_USE = budget.threshold;

const CALLS = 'intercom_requests_total';
/** Not errors: 2xx, and 404/409 which upserts and erasures meet in normal work; 429s have their own check. */
const isError = (code: string) => !/^(2..|404|409|429)$/.test(code);

/** Checks on the calls to Intercom, from the workers' (and the ingress's) metrics. */
export function intercomChecks(input: TriageInput): TriageCheck[] {
  const windows = input.windows;
  const hasWorkers = windows.some((window) => window.role === 'worker');
  const span = spanText(input.intervalSeconds);
  const calls = increase(windows, CALLS);
  const noWorkers =
    input.workersConfigured > 0
      ? 'no worker metrics: no worker in WORKER_METRICS_URLS answered (see metrics endpoints)'
      : 'no worker metrics: set WORKER_METRICS_URLS (or --worker-metrics)';
  const check = (
    severity: Severity,
    id: string,
    title: string,
    next: string,
    measure: () => Pick<TriageCheck, 'status' | 'finding'>,
  ): TriageCheck => ({
    severity,
    id,
    title,
    next,
    ...(hasWorkers ? measure() : { status: 'unknown', finding: noWorkers }),
  });

  const unauthorized = (): TriageCheck => {
    const count = increase(windows, CALLS, { code: (code) => code === '401' || code === '403' });
    const ready = input.readiness.reachable ? input.readiness.intercom : undefined;
    const refused = ready?.status === 'unauthorized';
    const next = 'relay token check · RUNBOOK.md#intercomunauthorized';
    const severity = ALERT_RULES.intercomUnauthorized.severity;
    const base = { severity, id: 'intercom-401', title: 'Intercom 401/403', next };
    if (count > 0 || refused) {
      const parts = [];
      if (count > 0) parts.push(`${count} call(s) answered 401/403 ${span}`);
      if (refused)
        parts.push(`/readyz: Intercom refuses the token (${ready?.error ?? 'unauthorized'})`);
      return { ...base, status: 'fail', finding: parts.join('; ') };
    }
    if (!hasWorkers) {
      return ready?.authenticated
        ? {
            ...base,
            status: 'ok',
            finding: "the ingress's GET /me is accepted (no worker metrics)",
          }
        : { ...base, status: 'unknown', finding: noWorkers };
    }
    return {
      ...base,
      status: 'ok',
      finding: `no 401/403 ${span} (${calls} ${calls === 1 ? 'call' : 'calls'})`,
    };
  };

  return [
    unauthorized(),
    check(
      intercom5xx.severity,
      'intercom-5xx',
      'Intercom 5xx',
      'RUNBOOK.md#intercomservererrors',
      () => {
        const count = increase(windows, CALLS, { status_class: '5xx' });
        const rate = perMinute(windows, CALLS, { status_class: '5xx' });
        return {
          status: rate > MAX_5XX_PER_MINUTE ? 'fail' : 'ok',
          finding: `${count} of ${calls} ${calls === 1 ? 'call' : 'calls'} answered 5xx ${span} (${perMinuteText(rate)}; alert > ${MAX_5XX_PER_MINUTE}/min)`,
        };
      },
    ),
    check(circuit.severity, 'circuit', 'circuit breaker', 'RUNBOOK.md#intercomcircuitopen', () => {
      const states = windows.map((window) =>
        Math.max(
          -1,
          ...window.last.filter((s) => s.name === 'intercom_circuit_state').map((s) => s.value),
        ),
      );
      const worst = Math.max(...states);
      const notClosed = states.filter((state) => state >= circuit.threshold).length;
      if (worst < circuit.threshold)
        return { status: 'ok', finding: `closed on all ${windows.length} processes` };
      const word = worst >= 2 ? 'OPEN' : 'half-open';
      return {
        status: 'fail',
        finding: `${word} on ${notClosed} of ${windows.length} processes: calls to Intercom are held, jobs wait without using attempts`,
      };
    }),
    check(
      intercomErrors.severity,
      'intercom-errors',
      'Intercom error rate',
      'RUNBOOK.md#intercomerrorratehigh',
      () => {
        if (calls === 0) return { status: 'ok', finding: `no Intercom calls ${span}` };
        const errors = increase(windows, CALLS, { code: isError });
        const share = errors / calls;
        return {
          status: share > MAX_ERROR_SHARE ? 'fail' : 'ok',
          finding: `${errors} of ${calls} ${calls === 1 ? 'call' : 'calls'} failed ${span} (${percentText(share)}; alert > ${percentText(MAX_ERROR_SHARE)})`,
        };
      },
    ),
    check(
      intercom429.severity,
      'intercom-429',
      'Intercom 429s',
      'RUNBOOK.md#intercomratelimited',
      () => {
        const count = increase(windows, 'intercom_rate_limited_total');
        const rate = perMinute(windows, 'intercom_rate_limited_total');
        return {
          status: rate > MAX_429_PER_MINUTE ? 'fail' : 'ok',
          finding: `${count} × 429 ${span} (${perMinuteText(rate)}; alert > ${MAX_429_PER_MINUTE}/min)`,
        };
      },
    ),
    check(
      intercomLatency.severity,
      'intercom-latency',
      'Intercom P95 latency',
      'RUNBOOK.md#intercomlatencyhigh',
      () => {
        const p95 = windowQuantile(0.95, windows, 'intercom_request_duration_seconds');
        if (Number.isNaN(p95)) return { status: 'ok', finding: `no Intercom calls ${span}` };
        const text = p95 < 1 ? `${Math.round(p95 * 1000)} ms` : `${p95.toFixed(2)} s`;
        return {
          status: p95 > MAX_P95_SECONDS ? 'fail' : 'ok',
          finding: `P95 ${text} ${span} (alert > ${MAX_P95_SECONDS} s)`,
        };
      },
    ),
    check(
      budget.severity,
      'budget',
      'rate budget use',
      'RUNBOOK.md#intercombudgetnearlyspent',
      () => {
        const used = gaugeMax(windows, 'intercom_budget_used') ?? 0;
        const allowed = gaugeMax(windows, 'intercom_budget_allowed_per_window', (s) => s.value > 0);
        if (!allowed) return { status: 'unknown', finding: 'no worker reports the budget yet' };
        const share = used / allowed;
        return {
          status: share > MAX_BUDGET_USE ? 'fail' : 'ok',
          finding: `${used} of ${allowed} calls of this window taken (${percentText(share)}; alert > ${percentText(MAX_BUDGET_USE)})`,
        };
      },
    ),
    statusPageCheck(input),
  ];
}

function statusPageCheck(input: TriageInput): TriageCheck {
  const base = {
    severity: ALERT_RULES.statusPage.severity,
    id: 'status-page',
    title: 'Intercom status page',
    next: 'RUNBOOK.md#intercomstatuspageincident',
  };
  const page = input.statusPage;
  if (page.ok) {
    return {
      ...base,
      status: page.operational ? 'ok' : 'fail',
      finding: `${page.indicator}: ${page.description}`,
    };
  }
  // The ingress polls the page too: its gauge is 1 operational, 0 incident, -1 unreadable.
  const polled = gaugeMax(
    input.windows.filter((window) => window.role === 'ingress'),
    'intercom_status_page_operational',
  );
  if (polled === 1)
    return {
      ...base,
      status: 'ok',
      finding: `operational (ingress poller; direct read failed: ${page.detail})`,
    };
  if (polled === 0)
    return {
      ...base,
      status: 'fail',
      finding: `incident (ingress poller; direct read failed: ${page.detail})`,
    };
  return { ...base, status: 'unknown', finding: page.detail };
}
