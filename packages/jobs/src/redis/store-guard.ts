import type { RedisClient } from './connection.ts';
import { deadline } from './deadline.ts';
import { jobStoreFailure } from './redis-failure.ts';

/**
 * A call to the job store within its deadline, its failure told as QUEUE_UNAVAILABLE when
 * Redis cannot serve (503, retry later) and INTERNAL for anything else.
 */
export function createStoreGuard(connection: RedisClient, timeoutMs: number, unavailable: string) {
  const failure = (cause: unknown) => jobStoreFailure(cause, connection, unavailable);
  return {
    failure,
    withDeadline: <T>(work: Promise<T>): Promise<T> => deadline(work, timeoutMs),
    async guard<T>(work: Promise<T>): Promise<T> {
      try {
        return await deadline(work, timeoutMs);
      } catch (cause) {
        throw failure(cause);
      }
    },
  };
}

export type StoreGuard = ReturnType<typeof createStoreGuard>;
