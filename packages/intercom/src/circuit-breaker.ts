export type CircuitState = 'closed' | 'half-open' | 'open';

export type CircuitBreakerOptions = {
  /** Failures ÷ calls in the recent span at or above which the circuit opens. @defaultValue 0.5 */
  failureRatio?: number;
  /** Fewer calls than this in the span never open it (one unlucky call is not an outage). @defaultValue 10 */
  minimumCalls?: number;
  /** The span calls are judged over. @defaultValue 10000 */
  spanMs?: number;
  /** First open period; doubles after each failed probe up to maxOpenMs. @defaultValue 5000 */
  openMs?: number;
  /** @defaultValue 60000 */
  maxOpenMs?: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
};

export type Admission =
  | { allowed: true; probe: boolean }
  | { allowed: false; retryAfterMs: number };

/** While a probe is out, others wait this long before asking again. */
const PROBE_WAIT_MS = 500;
const BUCKETS = 10;

/**
 * Stops calls to Intercom while it is failing, so queued jobs wait instead of spending their
 * attempts on an outage. Closed: calls pass and outcomes are counted in a rolling span. Open:
 * no call passes until the open period ends. Half-open: one probe at a time; its success
 * closes the circuit, its failure reopens it for twice as long.
 * Only outages count as failures (5xx, 408, timeouts, network errors); a 4xx or 429 means
 * Intercom is up.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}) {
  const failureRatio = options.failureRatio ?? 0.5;
  const minimumCalls = options.minimumCalls ?? 10;
  const spanMs = options.spanMs ?? 10_000;
  const baseOpenMs = options.openMs ?? 5_000;
  const maxOpenMs = options.maxOpenMs ?? 60_000;
  const now = options.now ?? Date.now;
  const bucketMs = spanMs / BUCKETS;

  let state: CircuitState = 'closed';
  let openUntil = 0;
  let openMs = baseOpenMs;
  let probeInFlight = false;
  let buckets: { start: number; calls: number; failures: number }[] = [];

  function setState(next: CircuitState) {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  }

  function recent() {
    const since = now() - spanMs;
    buckets = buckets.filter((bucket) => bucket.start > since);
    return buckets.reduce(
      (sum, bucket) => ({
        calls: sum.calls + bucket.calls,
        failures: sum.failures + bucket.failures,
      }),
      { calls: 0, failures: 0 },
    );
  }

  function count(failed: boolean) {
    const start = Math.floor(now() / bucketMs) * bucketMs;
    let bucket = buckets.at(-1);
    if (!bucket || bucket.start !== start) {
      bucket = { start, calls: 0, failures: 0 };
      buckets.push(bucket);
    }
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
  }

  function open() {
    openUntil = now() + openMs;
    openMs = Math.min(openMs * 2, maxOpenMs);
    buckets = [];
    setState('open');
  }

  function currentState(): CircuitState {
    if (state === 'open' && now() >= openUntil) setState('half-open');
    return state;
  }

  return {
    get state(): CircuitState {
      return currentState();
    },

    /** Whether a call may go now; a probe must be followed by `record`. */
    admit(): Admission {
      const current = currentState();
      if (current === 'closed') return { allowed: true, probe: false };
      if (current === 'open') return { allowed: false, retryAfterMs: openUntil - now() };
      if (probeInFlight) return { allowed: false, retryAfterMs: PROBE_WAIT_MS };
      probeInFlight = true;
      return { allowed: true, probe: true };
    },

    /** An admitted call that never went out (e.g. the rate budget said wait). */
    cancel(probe: boolean) {
      if (probe) probeInFlight = false;
    },

    /** The outcome of an admitted call: `failed` when Intercom looked down. */
    record(failed: boolean, probe: boolean) {
      if (probe) {
        probeInFlight = false;
        if (failed) return open();
        openMs = baseOpenMs;
        buckets = [];
        return setState('closed');
      }
      if (state !== 'closed') return; // a call admitted before the circuit opened
      count(failed);
      const { calls, failures } = recent();
      if (calls >= minimumCalls && failures / calls >= failureRatio) open();
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
