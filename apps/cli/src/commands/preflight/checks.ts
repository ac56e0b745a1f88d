import type { CliConfig } from '../../config.ts';
import { errorSummary, http } from '../../http.ts';
import { fetchMe, type MeResult } from '../../intercom/me.ts';
import { fetchStatusPage } from '../../intercom/status-page.ts';
import type { CheckStatus } from '../../output/status.ts';
import { adminConfigProblem } from '../../relay/admin-client.ts';
import { describeReadiness, fetchReadiness } from '../../relay/readyz.ts';

/** `warn`: works, but not as it should; it does not fail the run. */
type PreflightStatus = CheckStatus | 'warn';

export type PreflightCheck = {
  id: string;
  title: string;
  status: PreflightStatus;
  detail: string;
};

/** Below this share of the window's calls left, a new load would run into 429s. */
const MIN_HEADROOM = 0.1;

/**
 * Every go/no-go check, run side by side. `publicUrl` is the ingress as Intercom reaches it
 * (RELAY_PUBLIC_URL or --public-url; RELAY_URL when unset).
 */
export async function runPreflight(
  config: CliConfig,
  publicUrl = config.publicUrl,
): Promise<PreflightCheck[]> {
  const token = config.intercom.token?.get() ?? '';
  const me = token === '' ? undefined : fetchMe({ ...config.intercom, token });
  const [tokenChecks, status, ingress, webhook, admin] = await Promise.all([
    me?.then(intercomChecks) ?? missingToken(),
    statusPageCheck(config.statusUrl),
    ingressCheck(config.relayUrl),
    webhookCheck(config.relayUrl),
    adminCheck(config),
  ]);
  return [...tokenChecks, status, ingress, webhook, webhookUrlCheck(publicUrl), admin];
}

/** Intercom delivers webhooks only to https URLs: a plain-HTTP one is a warning. */
function webhookUrlCheck(publicUrl: string): PreflightCheck {
  const url = `${publicUrl}/webhooks/intercom`;
  const title = 'webhook URL is https';
  if (new URL(url).protocol === 'https:') {
    return { id: 'webhook-https', title, status: 'ok', detail: url };
  }
  return {
    id: 'webhook-https',
    title,
    status: 'warn',
    detail: `${url}: Intercom delivers webhooks only to https; serve TLS (TLS_CERT_FILE, TLS_KEY_FILE) or put a TLS proxy in front, and give the https URL as RELAY_PUBLIC_URL`,
  };
}

async function missingToken(): Promise<PreflightCheck[]> {
  return [
    {
      id: 'token',
      title: 'Intercom token valid',
      status: 'fail',
      detail: 'INTERCOM_ACCESS_TOKEN (or _FILE) is not set',
    },
    { id: 'budget', title: 'rate budget headroom', status: 'skip', detail: 'needs the token' },
  ];
}

function intercomChecks(me: MeResult): PreflightCheck[] {
  const token: PreflightCheck = {
    id: 'token',
    title: 'Intercom token valid',
    status: 'ok',
    detail: '',
  };
  if (me.kind === 'valid') token.detail = `workspace ${me.app.idCode}`;
  else if (me.kind === 'invalid') {
    token.status = 'fail';
    token.detail = `${me.status} ${me.code}: ${me.explanation}`;
  } else {
    token.status = 'fail';
    token.detail = me.detail;
  }
  const budget: PreflightCheck = {
    id: 'budget',
    title: 'rate budget headroom',
    status: 'ok',
    detail: '',
  };
  const rateLimit = me.kind === 'invalid' ? null : me.rateLimit;
  if (!rateLimit) {
    budget.status = 'unknown';
    budget.detail = 'no X-RateLimit-* headers in the answer';
  } else {
    const share = rateLimit.limit > 0 ? rateLimit.remaining / rateLimit.limit : 0;
    budget.status = share < MIN_HEADROOM ? 'fail' : 'ok';
    budget.detail = `${rateLimit.remaining} of ${rateLimit.limit} calls left in this window (${Math.round(share * 100)} %, needs ≥ ${MIN_HEADROOM * 100} %)`;
  }
  return [token, budget];
}

async function statusPageCheck(url: string): Promise<PreflightCheck> {
  const page = await fetchStatusPage(url);
  const title = 'Intercom status page';
  if (!page.ok) return { id: 'status-page', title, status: 'unknown', detail: page.detail };
  return {
    id: 'status-page',
    title,
    status: page.operational ? 'ok' : 'fail',
    detail: `${page.indicator}: ${page.description}`,
  };
}

async function ingressCheck(relayUrl: string): Promise<PreflightCheck> {
  const ready = await fetchReadiness(relayUrl);
  const healthy = ready.reachable && ready.status === 'healthy';
  return {
    id: 'ingress',
    title: 'ingress /readyz healthy',
    status: healthy ? 'ok' : 'fail',
    detail: describeReadiness(ready),
  };
}

/** Intercom validates a webhook URL with HEAD and wants a 200. */
async function webhookCheck(relayUrl: string): Promise<PreflightCheck> {
  const title = 'webhook endpoint (HEAD)';
  try {
    const answer = await http(`${relayUrl}/webhooks/intercom`, {
      method: 'HEAD',
      timeoutMs: 5_000,
    });
    return {
      id: 'webhook',
      title,
      status: answer.status === 200 ? 'ok' : 'fail',
      detail: `HEAD /webhooks/intercom answered ${answer.status}`,
    };
  } catch (error) {
    return { id: 'webhook', title, status: 'fail', detail: (error as Error).message };
  }
}

async function adminCheck(config: CliConfig): Promise<PreflightCheck> {
  const title = 'admin API';
  const token = config.adminToken?.get() ?? '';
  if (token === '') return { id: 'admin', title, status: 'skip', detail: 'ADMIN_TOKEN not set' };
  try {
    const answer = await http(`${config.adminUrl}/admin/queues`, {
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 5_000,
    });
    if (answer.status === 200)
      return { id: 'admin', title, status: 'ok', detail: 'GET /admin/queues answered 200' };
    const detail = adminConfigProblem(answer, config.adminUrl) ?? errorSummary(answer);
    return { id: 'admin', title, status: 'fail', detail };
  } catch (error) {
    return { id: 'admin', title, status: 'fail', detail: (error as Error).message };
  }
}
