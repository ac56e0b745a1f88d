import { type Metrics, statusClass } from '@relay/telemetry';
import { endpointTemplate } from './endpoint-template.ts';
import { type RateLimitSnapshot, readRateLimitHeaders } from './rate-limit-headers.ts';

export type CallObserver = {
  /**
   * Before each call: where the rate budget hands out permits and the circuit breaker says
   * whether Intercom may be called. Throwing stops the call; the error reaches the caller
   * as thrown (the SDK fetcher passes AppErrors through). The returned function, if any, hears the call's status (undefined: no answer).
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
  const record = metrics ? createCallRecorder(metrics) : undefined;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const endpoint = endpointTemplate(pathOf(url));
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const settle = await observer.beforeCall?.(endpoint);
    const started = performance.now();
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (error) {
      record?.(endpoint, method, errorCode(error), (performance.now() - started) / 1000);
      settle?.(undefined);
      throw error;
    }
    settle?.(response.status);
    record?.(endpoint, method, response.status, (performance.now() - started) / 1000);
    const snapshot = readRateLimitHeaders(response.headers);
    if (snapshot) {
      metrics?.intercomRateLimitLimit.set(snapshot.limit);
      metrics?.intercomRateLimitRemaining.set(snapshot.remaining);
      await observer.onRateLimit?.(snapshot, response.status);
    }
    return response;
  };
}

type Series = { observe(seconds: number): void; outcomes: Map<string, { inc(): void }> };

/**
 * Request metrics per endpoint and outcome. The labelled series are looked up once and kept:
 * resolving labels on every call is a measurable share of a worker's CPU.
 */
function createCallRecorder(metrics: Metrics) {
  const series = new Map<string, Series>();
  return (endpoint: string, method: string, outcome: number | string, seconds: number) => {
    const key = `${method} ${endpoint}`;
    let entry = series.get(key);
    if (!entry) {
      const duration = metrics.intercomRequestDuration.labels({ endpoint, method });
      entry = { observe: (value) => duration.observe(value), outcomes: new Map() };
      series.set(key, entry);
    }
    entry.observe(seconds);
    const code = String(outcome);
    let counter = entry.outcomes.get(code);
    if (!counter) {
      counter = metrics.intercomRequests.labels({
        endpoint,
        method,
        status_class: typeof outcome === 'number' ? statusClass(outcome) : 'error',
        code,
      });
      entry.outcomes.set(code, counter);
    }
    counter.inc();
    if (outcome === 429) metrics.intercomRateLimited.inc();
  };
}

/** The path of an absolute URL, without parsing all of it. */
function pathOf(url: string): string {
  const afterScheme = url.indexOf('//');
  const start = url.indexOf('/', afterScheme < 0 ? 0 : afterScheme + 2);
  if (start < 0) return '/';
  const end = url.search(/[?#]/);
  return end < start ? url.slice(start) : url.slice(start, end);
}

function errorCode(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'timeout';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return 'network';
}
