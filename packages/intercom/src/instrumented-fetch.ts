import { type Metrics, statusClass } from '@relay/telemetry';
import { endpointTemplate } from './endpoint-template.ts';
import { guardRejection } from './guard-rejection.ts';
import { type RateLimitSnapshot, readRateLimitHeaders } from './rate-limit-headers.ts';

export type CallObserver = {
  /**
   * Before each call: where the rate budget hands out permits and the circuit breaker says
   * whether Intercom may be called. Throwing stops the call; the error reaches the caller
   * as thrown. The returned function, if any, hears the call's status (undefined: no answer).
   */
  beforeCall?(endpoint: string): Promise<((status: number | undefined) => void) | undefined>;
  /** After each response that carried X-RateLimit-* headers; a returned promise is awaited. */
  onRateLimit?(snapshot: RateLimitSnapshot, status: number): Promise<void> | undefined | void;
};

/**
 * The SDK's `fetch` seam: every Intercom call passes here, including any the SDK would make
 * on its own, so metrics and the rate budget see all of them.
 */
export function createInstrumentedFetch(
  metrics: Metrics | undefined,
  observer: CallObserver = {},
  baseFetch: typeof fetch = fetch,
): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const endpoint = endpointTemplate(new URL(url).pathname);
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    let settle: ((status: number | undefined) => void) | undefined;
    try {
      settle = await observer.beforeCall?.(endpoint);
    } catch (error) {
      throw guardRejection(error);
    }
    const started = performance.now();
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (error) {
      metrics?.intercomRequests.inc({
        endpoint,
        method,
        status_class: 'error',
        code: errorCode(error),
      });
      metrics?.intercomRequestDuration.observe(
        { endpoint, method },
        (performance.now() - started) / 1000,
      );
      settle?.(undefined);
      throw error;
    }
    settle?.(response.status);
    metrics?.intercomRequestDuration.observe(
      { endpoint, method },
      (performance.now() - started) / 1000,
    );
    metrics?.intercomRequests.inc({
      endpoint,
      method,
      status_class: statusClass(response.status),
      code: String(response.status),
    });
    if (response.status === 429) metrics?.intercomRateLimited.inc();
    const snapshot = readRateLimitHeaders(response.headers);
    if (snapshot) {
      metrics?.intercomRateLimitLimit.set(snapshot.limit);
      metrics?.intercomRateLimitRemaining.set(snapshot.remaining);
      await observer.onRateLimit?.(snapshot, response.status);
    }
    return response;
  };
}

function errorCode(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'timeout';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return 'network';
}
