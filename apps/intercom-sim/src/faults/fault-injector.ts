import type { FaultConfig } from './fault-config.ts';

export type FaultInjectorOptions = {
  baseline: FaultConfig;
  now: () => number;
  random: () => number;
};

/** What happens to a request before it reaches authentication. */
export type TransportFault = 'reset' | 'hang' | 'outage' | undefined;

/**
 * Holds the active faults and draws the per-request decisions. The start-up configuration is
 * the baseline: `set` layers on top of it, `clear` returns to it.
 */
export function createFaultInjector(options: FaultInjectorOptions) {
  const { now, random } = options;
  let active: FaultConfig = { ...options.baseline };
  let errorTable: Array<[status: number, rate: number]> = [];
  let revoked = new Set<string>();

  function compile() {
    errorTable = Object.entries(active.errorRates ?? {}).map(([s, rate]) => [Number(s), rate]);
    revoked = new Set(active.revokedTokens ?? []);
  }
  compile();

  const draw = (rate: number | undefined) => rate !== undefined && rate > 0 && random() < rate;

  return {
    config: (): FaultConfig => active,
    /** Merges a parsed config over the active one (keys given replace keys held). */
    set(patch: FaultConfig) {
      active = { ...active, ...patch };
      compile();
    },
    clear() {
      active = { ...options.baseline };
      compile();
    },
    latencyMs(): number {
      const latency = active.latencyMs;
      if (latency === undefined) return 0;
      if (typeof latency === 'number') return latency;
      return latency.min + random() * (latency.max - latency.min);
    },
    transportFault(): TransportFault {
      if (draw(active.connectionResetRate)) return 'reset';
      if (draw(active.hangRate)) return 'hang';
      return active.outage ? 'outage' : undefined;
    },
    isRevoked: (token: string) => revoked.has(token),
    isRateLimitStorm: () =>
      active.rateLimitedUntil !== undefined && now() < active.rateLimitedUntil,
    /** The status to answer instead of running the route, if one is drawn. */
    errorStatus(): number | undefined {
      if (errorTable.length === 0) return undefined;
      let roll = random();
      for (const [status, rate] of errorTable) {
        if (roll < rate) return status;
        roll -= rate;
      }
      return undefined;
    },
    malformed: () => draw(active.malformedRate),
  };
}
