import { http } from '../http.ts';

/** Calls to Intercom held by every relay process after Intercom refused the token. */
export type AuthHoldReading = { since: string; probes: number; nextProbeInMs: number };

export type Readiness =
  | { reachable: false; detail: string }
  | {
      reachable: true;
      httpStatus: number;
      status: 'healthy' | 'degraded' | 'unhealthy' | string;
      redis: { status: string; usedRatio: number | null };
      intercom: {
        status: string;
        authenticated: boolean;
        error: string | null;
        /** Absent from an ingress older than the hold, or without a token. */
        authHold?: AuthHoldReading | null;
      };
    };

/** The ingress's GET /readyz: Redis, Intercom (its cached GET /me), Redis memory. */
export async function fetchReadiness(relayUrl: string): Promise<Readiness> {
  try {
    const answer = await http(`${relayUrl}/readyz`, { timeoutMs: 5_000 });
    const body = (answer.json ?? {}) as ReadyBody;
    if (typeof body.status !== 'string') {
      return { reachable: false, detail: `/readyz answered ${answer.status} without a status` };
    }
    return {
      reachable: true,
      httpStatus: answer.status,
      status: body.status,
      redis: {
        status: body.services?.redis?.status ?? 'unknown',
        usedRatio: body.services?.redis?.memory?.usedRatio ?? null,
      },
      intercom: {
        status: body.services?.intercom?.status ?? 'unknown',
        authenticated: body.services?.intercom?.authenticated === true,
        error: body.services?.intercom?.error ?? null,
        authHold: authHoldOf(body.services?.intercom?.authHold),
      },
    };
  } catch (error) {
    return { reachable: false, detail: (error as Error).message };
  }
}

type ReadyBody = {
  status?: string;
  services?: {
    redis?: { status?: string; memory?: { usedRatio?: number } };
    intercom?: { status?: string; authenticated?: boolean; error?: string; authHold?: unknown };
  };
};

function authHoldOf(value: unknown): AuthHoldReading | null {
  const hold = value as Partial<AuthHoldReading> | null | undefined;
  if (typeof hold?.since !== 'string') return null;
  return {
    since: hold.since,
    probes: typeof hold.probes === 'number' ? hold.probes : 0,
    nextProbeInMs: typeof hold.nextProbeInMs === 'number' ? hold.nextProbeInMs : 0,
  };
}

/** One line on what /readyz found wrong, or that all is well. */
export function describeReadiness(ready: Readiness): string {
  if (!ready.reachable) return ready.detail;
  const parts = [`${ready.status} (HTTP ${ready.httpStatus})`, `redis ${ready.redis.status}`];
  const intercom = ready.intercom;
  parts.push(`intercom ${intercom.status}${intercom.error ? ` ${intercom.error}` : ''}`);
  return parts.join(', ');
}
