import { type CommandContext, intOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { describeUrl } from '../../http.ts';
import { writeJson, writeLine } from '../../io.ts';
import { statusLabel } from '../../output/status.ts';
import type { Style } from '../../output/style.ts';
import { renderTable } from '../../output/table.ts';
import type { TriageCheck } from './check.ts';
import { evaluateTriage, urgentFailures } from './checks.ts';
import { collectTriageInput, type TriageInput } from './sources.ts';

/** Samples, evaluates and prints; the exit code says whether a P1 or P2 check failed. */
export async function runTriage({
  io,
  config,
  values,
  json,
  style,
}: CommandContext): Promise<number> {
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
}

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
