import { type Command, intOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { describeUrl } from '../../http.ts';
import { writeJson, writeLine } from '../../io.ts';
import { statusLabel } from '../../output/status.ts';
import type { Style } from '../../output/style.ts';
import { renderTable } from '../../output/table.ts';
import type { TriageCheck } from './check.ts';
import { evaluateTriage, urgentFailures } from './checks.ts';
import { collectTriageInput, type TriageInput } from './sources.ts';

export const triage: Command = {
  name: 'triage',
  summary: "the runbook's checks and queue health, by severity P1–P4, each with what to do next",
  help: `Usage: relay triage [--interval SECONDS] [--json]

Reads the ingress's /metrics and /readyz, every worker's /metrics (WORKER_METRICS_URLS),
the admin API (when ADMIN_TOKEN is set) and Intercom's status page, then prints each check
with its severity, status (ok / FAIL / unknown), a one-line finding and the next command or
RUNBOOK.md section:

  P1  Intercom 401/403, Intercom 5xx (> 10/min), circuit breaker open or half-open,
      ingress /readyz, Redis, dead letters growing, webhooks not stored (503)
  P2  Intercom error rate (> 5 %), 429s (> 5/min), P95 latency (> 2 s), rate budget use
      (> 80 %), status page, oldest waiting job per lane (erasure 10 min, webhook 5 min,
      sync 30 min, backfill 6 h), paused lanes, metrics endpoints answering
  P3  webhook signature rejects, Redis memory (> 80 %; P1 above 95 %)
  P4  what triage could not read (no worker metrics, no admin token)

Rates: counters only mean something as a difference, so triage scrapes every /metrics twice,
--interval seconds apart (default 5), and reports what happened in between — what is
happening now, not since a process started a week ago. --interval 0 scrapes once and reports
counters since each process started (rates over its uptime); dead-letter growth is then
unknown. Thresholds are those of deploy/prometheus/alerts.yml.

Exit: 0 no P1/P2 check failed, 1 a P1 or P2 check failed, 2 usage or config error.`,
  options: { interval: { type: 'string' } },

  async run({ io, config, values, json, style }) {
    const interval = intOption(values, 'interval', { default: 5, min: 0, max: 300 });
    const input = await collectTriageInput(config, interval, (seconds) => {
      if (io.stderr.isTTY) io.stderr.write(`sampling metrics for ${seconds} s…\n`);
    });
    const checks = evaluateTriage(input);
    const urgent = urgentFailures(checks);
    if (json) {
      writeJson(io.stdout, {
        ok: urgent.length === 0,
        intervalSeconds: interval,
        sources: sources(input),
        checks,
      });
    } else {
      writeLine(io.stdout, header(config.relayUrl, input, style));
      writeLine(io.stdout);
      writeLine(io.stdout, table(checks, style));
      writeLine(io.stdout);
      writeLine(
        io.stdout,
        urgent.length === 0
          ? style.green('no P1/P2 check failed')
          : style.red(
              `${urgent.length} P1/P2 check(s) failed: ${urgent.map((check) => check.title).join(', ')}`,
            ),
      );
    }
    return urgent.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

function header(relayUrl: string, input: TriageInput, style: Style): string {
  const workers = input.windows.filter((window) => window.role === 'worker').length;
  const sampled =
    input.intervalSeconds > 0
      ? `sampled over ${input.intervalSeconds} s`
      : 'counters since each process started';
  return style.bold(
    `relay triage · ingress ${describeUrl(relayUrl)} · ${workers} worker(s) · ${sampled}`,
  );
}

function table(checks: readonly TriageCheck[], style: Style): string {
  const rows = checks.map((check) => [
    check.severity,
    statusLabel(check.status, style),
    check.title,
    check.finding,
    check.status === 'ok' ? '' : check.next,
  ]);
  return renderTable(['SEV', 'STATUS', 'CHECK', 'FINDING', 'NEXT'], rows);
}

function sources(input: TriageInput) {
  return {
    metrics: [
      ...input.windows.map((window) => ({
        url: describeUrl(window.url),
        role: window.role,
        ok: true,
      })),
      ...input.unreachable.map((u) => ({
        url: describeUrl(u.url),
        role: u.role,
        ok: false,
        detail: u.detail,
      })),
    ],
    readyz: input.readiness.reachable,
    statusPage: input.statusPage.ok,
    admin: input.admin.configured ? input.admin.queues !== null : null,
  };
}
