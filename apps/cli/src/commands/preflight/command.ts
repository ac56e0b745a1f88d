import { type Command, stringOption } from '../../args.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { statusLabel } from '../../output/status.ts';
import { renderTable } from '../../output/table.ts';
import { runPreflight } from './checks.ts';

export const preflight: Command = {
  name: 'preflight',
  summary:
    'go/no-go before a rollout or a big backfill: token, budget, status page, ingress, webhooks, admin',
  options: { 'public-url': { type: 'string' } },
  help: `Usage: relay preflight [--public-url URL] [--json]

Checks, side by side, and prints a pass/fail table:
  Intercom token valid      GET /me with INTERCOM_ACCESS_TOKEN answers 200 (one call of the budget)
  rate budget headroom      X-RateLimit-Remaining of that answer is at least 10 % of X-RateLimit-Limit
  Intercom status page      INTERCOM_STATUS_URL says "none" (all systems operational)
  ingress /readyz healthy   RELAY_URL/readyz answers status "healthy" (Redis up, Intercom reachable)
  webhook endpoint (HEAD)   HEAD RELAY_URL/webhooks/intercom answers 200, as Intercom's URL check wants
  webhook URL is https      the public URL is https (Intercom delivers only there); WARN otherwise
  admin API                 GET ADMIN_URL/admin/queues with ADMIN_TOKEN answers 200 (skipped without it)

Options:
  --public-url URL   the ingress as Intercom reaches it, e.g. https://relay.example.com
                     (env RELAY_PUBLIC_URL, default RELAY_URL, which may be an internal address)

A status page that cannot be read is "unknown", and a plain-HTTP public URL is "WARN": neither
fails the run.
Exit: 0 every check passed, 1 a check failed, 2 usage or config error.`,

  async run({ io, config, values, json, style }) {
    const publicUrl = stringOption(values, 'public-url')?.replace(/\/+$/, '') ?? config.publicUrl;
    if (!URL.canParse(publicUrl) || !/^https?:/.test(publicUrl)) {
      throw new UsageError('--public-url must be an http:// or https:// URL');
    }
    const checks = await runPreflight(config, publicUrl);
    const failed = checks.filter((check) => check.status === 'fail').length;
    if (json) {
      writeJson(io.stdout, { ok: failed === 0, checks });
    } else {
      const rows = checks.map((check) => [
        check.title,
        check.status === 'warn'
          ? style.yellow(style.bold('WARN'))
          : statusLabel(check.status, style, 'pass'),
        check.detail,
      ]);
      writeLine(io.stdout, renderTable(['CHECK', 'RESULT', 'DETAIL'], rows));
      writeLine(io.stdout);
      writeLine(
        io.stdout,
        failed === 0
          ? style.green('preflight passed')
          : style.red(`preflight failed: ${failed} check(s)`),
      );
    }
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  },
};
