import type { JobsOptions, Queue } from 'bullmq';
import type { RedisClient } from './connection.ts';
import { createWriteCoalescing } from './write-coalescing.ts';

export type BatchedAddOptions = {
  queue: Queue;
  /** The queue's own connection: the duplicate check must run on it, just before the add. */
  connection: RedisClient;
  jobName: string;
  jobOptions: JobsOptions;
  /** Rejects every add of a turn that Redis has not answered within this. */
  timeoutMs: number;
};

export type BatchedAdd = (jobId: string, data: unknown) => Promise<{ duplicate: boolean }>;

type Pending = {
  jobId: string;
  data: unknown;
  resolve: (result: { duplicate: boolean }) => void;
  reject: (error: unknown) => void;
};

/**
 * Stores the jobs asked for within one turn of the event loop together: the webhooks that
 * arrived together are parsed in the same poll phase, and their commands (EXISTS for each
 * id, then BullMQ's add) go out in one socket write (write-coalescing.ts), under one
 * timeout, with an exact duplicate answer even for two copies in the same turn. Each caller
 * resolves once Redis has stored its job.
 */
export function createBatchedAdd(options: BatchedAddOptions): BatchedAdd {
  const { connection, queue } = options;
  const holdWrites = createWriteCoalescing(connection);
  let pending: Pending[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const batch = pending;
    pending = [];
    holdWrites();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    // Two deliveries of one notification in one turn: both EXISTS would be sent before
    // either add, and both would be told "new". The later ones wait for the first instead.
    const firstOf = new Map<string, Promise<unknown>>();
    const stored = batch.map((entry) => {
      const first = firstOf.get(entry.jobId);
      if (first) {
        return first.then(() => entry.resolve({ duplicate: true }), entry.reject);
      }
      // Sent before the add on the same connection, so it sees the store as it was before
      // (an add of an existing id stores nothing: BullMQ keeps the first job with an id).
      const exists = connection.exists(queue.toKey(entry.jobId));
      const added = queue.add(options.jobName, entry.data, {
        ...options.jobOptions,
        jobId: entry.jobId,
      });
      const both = Promise.race([Promise.all([exists, added]), timeout]);
      firstOf.set(entry.jobId, both);
      return both.then(([count]) => entry.resolve({ duplicate: count === 1 }), entry.reject);
    });
    void Promise.allSettled(stored).then(() => clearTimeout(timer));
  }

  return (jobId, data) =>
    new Promise((resolve, reject) => {
      pending.push({ jobId, data, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
