import { type Metrics, statusClass } from '@relay/telemetry';
import { endpointTemplate } from './endpoint-template.ts';
import { type RateLimitSnapshot, readRateLimitHeaders } from './rate-limit-headers.ts';

export type CallObserver = {
  /** Before each call: the place a shared rate budget hands out permits. */
  beforeCall?(endpoint: string): Promise<void>;
  /** After each response that carried X-RateLimit-* headers. */
  onRateLimit?(snapshot: RateLimitSnapshot, status: number): void;
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
    await observer.beforeCall?.(endpoint);
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
      throw error;
    }
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
      observer.onRateLimit?.(snapshot, response.status);
    }
    return response;
  };
}

function errorCode(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'timeout';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return 'network';
}
