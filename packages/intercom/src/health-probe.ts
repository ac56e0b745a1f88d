import { isAppError } from '@relay/errors';
import type { Metrics } from '@relay/telemetry';
import type { AuthHoldView } from './auth-hold/auth-hold.ts';
import { createIntercomClient, type IntercomClientOptions } from './client.ts';
import type { CallObserver } from './instrumented-fetch.ts';
import type { RateLimitSnapshot } from './rate-limit-headers.ts';

export type IntercomHealth = {
  status: 'up' | 'down' | 'unauthorized';
  latencyMs: number;
  authenticated: boolean;
  rateLimitRemaining: number | null;
  error?: string;
  /** Calls with the token held after Intercom refused it (every process), or null. */
  authHold: AuthHoldView | null;
};

export type IntercomProbeOptions = Omit<IntercomClientOptions, 'observer' | 'metrics'> & {
  metrics?: Metrics;
  /** Answers are reused this long, so readiness probes do not spend the rate budget. @defaultValue 10000 */
  cacheMs?: number;
  now?: () => number;
  /** The rate budget and circuit breaker's guard: probes take permits like every call. */
  guard?: CallObserver | undefined;
};

/** A cached refusal this old is asked again once the hold it started has ended elsewhere. */
const STALE_REFUSAL_MS = 1_000;

/**
 * `GET /me`, cached: is Intercom reachable, is the token good, how much budget is left, and
 * whether calls are held after a 401. With `authHold` the probe is one of the hold's: it goes
 * out while calls are held, and its success ends the hold for every process.
 */
export function createIntercomProbe(options: IntercomProbeOptions) {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 10_000;
  let latest: RateLimitSnapshot | undefined;
  const client = createIntercomClient({
    ...options,
    probesAuthHold: true,
    timeoutMs: options.timeoutMs ?? 5_000,
    observer: {
      beforeCall: (endpoint) => options.guard?.beforeCall?.(endpoint) ?? Promise.resolve(undefined),
      onRateLimit: (snapshot, status) => {
        latest = snapshot;
        return options.guard?.onRateLimit?.(snapshot, status);
      },
    },
  });
  let cached: { at: number; value: Promise<Omit<IntercomHealth, 'authHold'>> } | undefined;

  async function probe(): Promise<Omit<IntercomHealth, 'authHold'>> {
    await options.authHold?.sync(); // so that a success ends a hold another process started
    const started = performance.now();
    try {
      await client.me();
      return {
        status: 'up',
        latencyMs: Math.round(performance.now() - started),
        authenticated: true,
        rateLimitRemaining: latest?.remaining ?? null,
      };
    } catch (error) {
      const code = isAppError(error) ? error.code : 'INTERCOM_UNAVAILABLE';
      const unauthorized = code === 'INTERCOM_UNAUTHORIZED';
      const down = code === 'INTERCOM_UNAVAILABLE' || code === 'INTERCOM_CIRCUIT_OPEN';
      return {
        status: unauthorized ? 'unauthorized' : down ? 'down' : 'up',
        latencyMs: Math.round(performance.now() - started),
        authenticated: !unauthorized && !down,
        rateLimitRemaining: latest?.remaining ?? null,
        error: code,
      };
    }
  }

  /** Read on every check: a hold may start or end between two probes. */
  async function readHold(): Promise<AuthHoldView | null> {
    try {
      return (await options.authHold?.read()) ?? null;
    } catch {
      return null; // Redis down: /readyz says so under redis
    }
  }

  async function check(): Promise<IntercomHealth> {
    if (!cached || now() - cached.at >= cacheMs) cached = { at: now(), value: probe() };
    const health = await cached.value;
    const authHold = await readHold();
    // A refusal cached before another process's call ended the hold is stale: ask again.
    const stale = health.status === 'unauthorized' && options.authHold && !authHold;
    if (stale && now() - cached.at >= STALE_REFUSAL_MS) {
      cached = undefined;
      return check();
    }
    return { ...health, authHold };
  }

  return { check };
}

export type IntercomProbe = ReturnType<typeof createIntercomProbe>;
