import type { Command } from '../../args.ts';
import { severityHelp } from './alert-rules.ts';

export const triage: Command = {
  name: 'triage',
  summary: "the runbook's checks and queue health, by severity P1–P4, each with what to do next",
  help: `Usage: relay triage [--interval SECONDS] [--json]

Reads the ingress's /metrics and /readyz, every worker's /metrics (WORKER_METRICS_URLS),
the admin API (when ADMIN_TOKEN is set) and Intercom's status page, then prints each check
with its severity, status (ok / FAIL / unknown), a one-line finding and the next command or
RUNBOOK.md section:

${severityHelp()}

Rates: counters only mean something as a difference, so triage scrapes every /metrics twice,
--interval seconds apart (default 5), and reports what happened in between — what is
happening now, not since a process started a week ago. --interval 0 scrapes once and reports
counters since each process started (rates over its uptime); dead-letter growth is then
unknown. Severities and thresholds are those of deploy/prometheus/alerts.yml.

Exit: 0 no P1/P2 check failed, 1 a P1 or P2 check failed, 2 usage or config error.`,
  options: { interval: { type: 'string' } },

  // Loaded on use: the metrics parser pulls in the telemetry package, which other commands need not pay for.
  run: async (context) => (await import('./run-triage.ts')).runTriage(context),
};
