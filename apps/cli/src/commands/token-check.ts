import type { Command } from '../args.ts';
import { requireSecret } from '../config.ts';
import { ExitCode } from '../errors.ts';
import { describeUrl } from '../http.ts';
import { fetchMe, type MeResult } from '../intercom/me.ts';
import { writeJson, writeLine } from '../io.ts';
import { renderPairs } from '../output/table.ts';
import { redactEmail, tokenFingerprint } from '../redact.ts';
import { relayHold } from '../relay/auth-hold.ts';
import { fetchReadiness } from '../relay/readyz.ts';

export const tokenCheck: Command = {
  name: 'token check',
  summary: "is INTERCOM_ACCESS_TOKEN valid, whose is it, how much of the window's budget is left",
  help: `Usage: relay token check [--json]

Calls Intercom's GET /me with INTERCOM_ACCESS_TOKEN (or the file in INTERCOM_ACCESS_TOKEN_FILE)
and shows the workspace, the admin (email redacted), whether the token is valid (401
token_not_found / token_revoked … explained) and X-RateLimit-Limit/Remaining. Costs one
Intercom call. The token itself is never printed, only its length.

Then asks the ingress's /readyz (RELAY_URL) whether the relay holds its calls to Intercom
after Intercom refused its token, since when, and when it probes next: a valid token with
the relay still holding means the next probe ends the hold.

Exit: 0 valid, 1 invalid or Intercom not answering, 2 no token configured.`,

  async run({ io, config, json, style }) {
    const token = requireSecret(
      config.intercom.token,
      'INTERCOM_ACCESS_TOKEN',
      'token check calls Intercom with it',
    );
    const result = await fetchMe({ ...config.intercom, token });
    const relay = relayHold(await fetchReadiness(config.relayUrl), result.kind === 'valid');
    const fingerprint = tokenFingerprint(token);
    const source = config.intercom.token?.source ?? 'INTERCOM_ACCESS_TOKEN';
    if (json) {
      writeJson(io.stdout, {
        token: { fingerprint, source },
        api: config.intercom.baseUrl,
        ...view(result),
        relay: { holding: relay.holding, ...(relay.hold ? { hold: relay.hold } : {}) },
      });
    } else {
      const rows: [string, string][] = [
        ['token', `${fingerprint} from ${source}`],
        [
          'api',
          `${describeUrl(config.intercom.baseUrl)} (Intercom-Version ${config.intercom.version})`,
        ],
      ];
      if (result.kind === 'valid') {
        rows.push(['status', style.green('valid')]);
        const region = result.app.region ? ` (${result.app.region})` : '';
        rows.push(['workspace', `${result.app.idCode}  ${result.app.name}${region}`]);
        rows.push(['admin', `id ${result.admin.id}, ${redactEmail(result.admin.email)}`]);
      } else if (result.kind === 'invalid') {
        rows.push(['status', style.red(`INVALID: ${result.status} ${result.code}`)]);
        rows.push(['why', result.explanation]);
        rows.push([
          'next',
          'set a working token in INTERCOM_ACCESS_TOKEN(_FILE) on workers and ingress; files are re-read, no restart',
        ]);
        if (result.requestId) rows.push(['request id', result.requestId]);
      } else {
        rows.push(['status', style.yellow(`unknown: ${result.detail}`)]);
      }
      const rateLimit = result.kind === 'invalid' ? null : result.rateLimit;
      if (rateLimit) {
        rows.push([
          'rate limit',
          `${rateLimit.remaining} of ${rateLimit.limit} calls left in this window`,
        ]);
      }
      const tone = relay.holding ? style.yellow : (text: string) => text;
      rows.push(['relay', tone(relay.text)]);
      writeLine(io.stdout, renderPairs(rows));
    }
    return result.kind === 'valid' ? ExitCode.ok : ExitCode.failed;
  },
};

function view(result: MeResult) {
  if (result.kind === 'valid') {
    return {
      valid: true,
      workspace: { id: result.app.idCode, name: result.app.name, region: result.app.region },
      admin: { id: result.admin.id, email: redactEmail(result.admin.email) },
      rateLimit: result.rateLimit,
    };
  }
  if (result.kind === 'invalid') {
    return {
      valid: false,
      status: result.status,
      code: result.code,
      explanation: result.explanation,
      requestId: result.requestId,
    };
  }
  return { valid: null, status: result.status, detail: result.detail, rateLimit: result.rateLimit };
}
