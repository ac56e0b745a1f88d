import { http } from '../http.ts';

/** Calls to Intercom held by every relay process after Intercom refused the token. */
export type AuthHoldReading = { since: string; probes: number; nextProbeInMs: number };

export type Readiness =
  | { reachable: false; detail: string }
  | {
      reachable: true;
      httpStatus: number;
      status: 'healthy' | 'degraded' | 'unhealthy' | string;
      redis: RedisReadiness;
      intercom: {
        status: string;
        authenticated: boolean;
        error: string | null;
        /** Absent from an ingress older than the hold, or without a token. */
        authHold?: AuthHoldReading | null;
      };
    };

/** Redis as /readyz sees it; the topology fields are absent from an ingress older than them. */
export type RedisReadiness = {
  /** up, filling, full, down, or reconnecting (a failover in progress). */
  status: string;
  usedRatio: number | null;
  /** single, sentinel or cluster. */
  mode?: string;
  /** The primary holding the queues (`host:port`), null while it does not answer. */
  primary?: string | null;
  /** Its replicas: linked, able to confirm stores, and how many REDIS_ACK_REPLICAS requires. */
  replicas?: { linked: number | null; confirming: number | null; required: number };
  /** How long Redis has not answered, while `reconnecting`. */
  downForMs?: number;
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
      redis: redisOf(body.services?.redis),
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
    redis?: {
      status?: string;
      memory?: { usedRatio?: number } | null;
      mode?: string;
      primary?: string | null;
      replicas?: { linked?: number | null; confirming?: number | null; required?: number };
      downForMs?: number;
    };
    intercom?: { status?: string; authenticated?: boolean; error?: string; authHold?: unknown };
  };
};

function redisOf(redis: NonNullable<ReadyBody['services']>['redis']): RedisReadiness {
  const replicas = redis?.replicas;
  return {
    status: redis?.status ?? 'unknown',
    usedRatio: redis?.memory?.usedRatio ?? null,
    ...(typeof redis?.mode === 'string' ? { mode: redis.mode } : {}),
    ...(redis?.primary === undefined ? {} : { primary: redis.primary }),
    ...(replicas && typeof replicas.required === 'number'
      ? {
          replicas: {
            linked: replicas.linked ?? null,
            confirming: replicas.confirming ?? null,
            required: replicas.required,
          },
        }
      : {}),
    ...(typeof redis?.downForMs === 'number' ? { downForMs: redis.downForMs } : {}),
  };
}

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
