import type { CircuitBreaker } from './circuit-breaker.ts';

export type IdleProbeOptions = {
  breaker: Pick<CircuitBreaker, 'state'>;
  /** One light call through the breaker (e.g. `GET /me`); its outcome closes or reopens it. */
  probe: () => Promise<unknown>;
  /** How often a circuit that is not closed looks for a probe nobody makes. @defaultValue 1000 */
  everyMs?: number;
};

/**
 * Probes Intercom when the circuit's open period is over and no call comes to do it. The
 * breaker only moves on calls: a process with no work after an outage (a quiet lane, the
 * ingress between reads) stayed half-open or open for good, and its intercom_circuit_state
 * kept IntercomCircuitOpen firing long after Intercom was back.
 */
export function createIdleProbe(options: IdleProbeOptions) {
  const everyMs = options.everyMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let probing = false;

  function tick() {
    if (probing || options.breaker.state !== 'half-open') return;
    probing = true;
    // Refusals (a job's probe is out, no budget permit) and failures are the breaker's business.
    options
      .probe()
      .catch(() => {})
      .finally(() => {
        probing = false;
      });
  }

  return {
    /** While the circuit is open or half-open. */
    start() {
      if (timer) return;
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
