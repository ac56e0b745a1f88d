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
