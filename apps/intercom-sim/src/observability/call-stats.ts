/** Counts API calls by endpoint (method + route pattern) and status, plus injected faults. */
export function createCallStats() {
  let calls = new Map<string, Map<number, number>>();
  let total = 0;
  let rateLimited = 0;
  const faults = { hung: 0, connectionResets: 0, malformed: 0, injectedErrors: 0 };

  return {
    record(endpoint: string, status: number) {
      let byStatus = calls.get(endpoint);
      if (byStatus === undefined) {
        byStatus = new Map();
        calls.set(endpoint, byStatus);
      }
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      total++;
      if (status === 429) rateLimited++;
    },
    countFault(kind: keyof typeof faults) {
      faults[kind]++;
    },
    snapshot() {
      const byEndpoint: Record<string, Record<string, number>> = {};
      for (const [endpoint, byStatus] of calls) byEndpoint[endpoint] = Object.fromEntries(byStatus);
      return { total, rateLimited, calls: byEndpoint, faults: { ...faults } };
    },
    /** How many calls an endpoint got, optionally only with one status. */
    count(endpoint: string, status?: number): number {
      const byStatus = calls.get(endpoint);
      if (byStatus === undefined) return 0;
      if (status !== undefined) return byStatus.get(status) ?? 0;
      let sum = 0;
      for (const n of byStatus.values()) sum += n;
      return sum;
    },
    reset() {
      calls = new Map();
      total = 0;
      rateLimited = 0;
      for (const key of Object.keys(faults) as Array<keyof typeof faults>) faults[key] = 0;
    },
  };
}

export type CallStats = ReturnType<typeof createCallStats>;
