import type { Cluster, Redis } from 'ioredis';

/** Where each reconciliation sweep got to (Unix seconds), shared by every worker. */
export function createReconcileMarks(redis: Redis | Cluster, prefix: string) {
  const key = (what: string) => `${prefix}:reconcile:${what}:last`;
  return {
    async get(what: string): Promise<number | undefined> {
      const value = await redis.get(key(what));
      return value === null ? undefined : Number(value);
    },
    async set(what: string, seconds: number): Promise<void> {
      await redis.set(key(what), String(seconds));
    },
  };
}

export type ReconcileMarks = ReturnType<typeof createReconcileMarks>;

/** Sweeps overlap by this much, so a record updated at a sweep's edge is not missed. */
const OVERLAP_S = 120;
/**
 * The first sweep looks back this far rather than over the whole workspace (the feed has never
 * seen the older records, and would otherwise send the CRM the whole workspace as changes).
 */
const FIRST_LOOKBACK_S = 3_600;

/**
 * A sweep's window: records updated since `since` (Unix seconds) are its to look at; `done()`
 * moves the mark to when this sweep started, so the next one overlaps it by OVERLAP_S.
 */
export async function sweepWindow(marks: ReconcileMarks, what: string) {
  const startedAt = Math.floor(Date.now() / 1000);
  const last = await marks.get(what);
  return {
    since: (last ?? startedAt - FIRST_LOOKBACK_S) - OVERLAP_S,
    done: () => marks.set(what, startedAt),
  };
}
