import { http } from '../http.ts';

export type IntercomSettings = { baseUrl: string; version: string; token: string };

type RateLimit = { limit: number; remaining: number; resetAt: number | null };

export type MeResult =
  | {
      kind: 'valid';
      admin: { id: string; name: string; email: string | null };
      app: { idCode: string; name: string; region: string | null };
      rateLimit: RateLimit | null;
      requestId: string | null;
    }
  | { kind: 'invalid'; status: number; code: string; explanation: string; requestId: string | null }
  | { kind: 'unavailable'; status: number | null; detail: string; rateLimit: RateLimit | null };

/** What each of Intercom's auth error codes means for the person holding the token. */
const AUTH_CODES: Record<string, string> = {
  token_not_found: 'Intercom does not know this token (a typo, another region, or a deleted app)',
  token_revoked: 'the token was revoked (app uninstalled or token regenerated): issue a new one',
  token_blocked: 'Intercom blocked the token: contact Intercom support',
  token_expired: 'the token expired: issue a new one',
  token_unauthorized: 'the token lacks the permission for this call',
  unauthorized: 'Intercom refused the token',
  missing_authorization: 'no token reached Intercom',
};

/**
 * `GET /me` with the token: whose token it is, for which workspace, and the rate-limit
 * headers of the answer. Costs one call of the app's budget.
 */
export async function fetchMe(settings: IntercomSettings): Promise<MeResult> {
  let answer: Awaited<ReturnType<typeof http>>;
  try {
    answer = await http(`${settings.baseUrl}/me`, {
      headers: {
        authorization: `Bearer ${settings.token}`,
        'intercom-version': settings.version,
      },
    });
  } catch (error) {
    return { kind: 'unavailable', status: null, detail: (error as Error).message, rateLimit: null };
  }
  const rateLimit = readRateLimit(answer.headers);
  const body = (answer.json ?? {}) as MeBody;
  const requestId = body.request_id ?? answer.headers.get('x-request-id');
  if (answer.status === 200) {
    return {
      kind: 'valid',
      admin: { id: String(body.id ?? ''), name: body.name ?? '', email: body.email ?? null },
      app: {
        idCode: body.app?.id_code ?? '',
        name: body.app?.name ?? '',
        region: body.app?.region ?? null,
      },
      rateLimit,
      requestId,
    };
  }
  const code = body.errors?.[0]?.code ?? '';
  if (answer.status === 401 || answer.status === 403) {
    return {
      kind: 'invalid',
      status: answer.status,
      code: code || 'unauthorized',
      explanation: AUTH_CODES[code] ?? 'Intercom refused the token',
      requestId,
    };
  }
  const detail =
    answer.status === 429
      ? 'rate limited (429): the app spent its window'
      : `Intercom answered ${answer.status}${code ? ` ${code}` : ''}`;
  return { kind: 'unavailable', status: answer.status, detail, rateLimit };
}

type MeBody = {
  id?: string | number;
  name?: string;
  email?: string;
  request_id?: string;
  app?: { id_code?: string; name?: string; region?: string };
  errors?: { code?: string; message?: string }[];
};

function readRateLimit(headers: Headers): RateLimit | null {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  if (!headers.has('x-ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining)) {
    return null;
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  return { limit, remaining, resetAt: Number.isFinite(reset) && reset > 0 ? reset : null };
}
