import { isAppError } from '@relay/errors';
import type { Metrics } from '@relay/telemetry';
import { createIntercomClient, type IntercomClientOptions } from './client.ts';
import type { CallObserver } from './instrumented-fetch.ts';
import type { RateLimitSnapshot } from './rate-limit-headers.ts';

export type IntercomHealth = {
  status: 'up' | 'down' | 'unauthorized';
  latencyMs: number;
  authenticated: boolean;
  rateLimitRemaining: number | null;
  error?: string;
};

export type IntercomProbeOptions = Omit<IntercomClientOptions, 'observer' | 'metrics'> & {
  metrics?: Metrics;
  /** Answers are reused this long, so readiness probes do not spend the rate budget. @defaultValue 10000 */
  cacheMs?: number;
  now?: () => number;
  /** The rate budget and circuit breaker's guard: probes take permits like every call. */
  guard?: CallObserver | undefined;
};

/** `GET /me`, cached: is Intercom reachable, is the token good, how much budget is left. */
export function createIntercomProbe(options: IntercomProbeOptions) {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 10_000;
  let latest: RateLimitSnapshot | undefined;
  const client = createIntercomClient({
    ...options,
    timeoutMs: options.timeoutMs ?? 5_000,
    observer: {
      beforeCall: (endpoint) => options.guard?.beforeCall?.(endpoint) ?? Promise.resolve(undefined),
      onRateLimit: (snapshot, status) => {
        latest = snapshot;
        return options.guard?.onRateLimit?.(snapshot, status);
      },
    },
  });
  let cached: { at: number; value: Promise<IntercomHealth> } | undefined;

  async function probe(): Promise<IntercomHealth> {
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

  return {
    check(): Promise<IntercomHealth> {
      if (!cached || now() - cached.at >= cacheMs) cached = { at: now(), value: probe() };
      return cached.value;
    },
  };
}

export type IntercomProbe = ReturnType<typeof createIntercomProbe>;
