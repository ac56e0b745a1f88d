import type { JobsOptions, Queue } from 'bullmq';
import type { RedisClient } from './connection.ts';
import { timeoutAfter } from './deadline.ts';
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
 * arrived together are parsed in the same poll phase, and their commands (one lookup of
 * every id, then BullMQ's adds) go out in one socket write (write-coalescing.ts), under one
 * timeout, with an exact duplicate answer even for two copies in the same turn. Each caller
 * resolves once Redis has stored its job.
 */
export function createBatchedAdd(options: BatchedAddOptions): BatchedAdd {
  const { connection, queue } = options;
  const holdWrites = createWriteCoalescing(connection);
  const existsEach = defineExistsEach(connection);
  let pending: Pending[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const batch = pending;
    pending = [];
    // Already held, but for a turn in which other commands held the socket first: their
    // immediate, queued before this one, has released it.
    holdWrites();
    const { timeout, clear } = timeoutAfter(options.timeoutMs);
    // Two deliveries of one notification in one turn would both be found absent before
    // either add, and both be told "new": the repeats wait for the first and are duplicates.
    const seen = new Set<string>();
    const firsts: Pending[] = [];
    const repeats: Pending[] = [];
    for (const entry of batch) {
      (seen.has(entry.jobId) ? repeats : firsts).push(entry);
      seen.add(entry.jobId);
    }
    // One command looks up every id of the turn. Sent before the adds on the same connection,
    // it sees the store as it was before them (an add of an existing id stores nothing:
    // BullMQ keeps the first job with an id). The ids share the prefix's hash tag: one slot.
    const found = existsEach(firsts.map((entry) => queue.toKey(entry.jobId)));
    const storeOf = new Map<string, Promise<unknown>>();
    const settled = firsts.map((entry, i) => {
      const added = queue.add(options.jobName, entry.data, {
        ...options.jobOptions,
        jobId: entry.jobId,
      });
      const stored = Promise.race([Promise.all([found, added]), timeout]);
      storeOf.set(entry.jobId, stored);
      return stored.then(([flags]) => entry.resolve({ duplicate: flags[i] === 1 }), entry.reject);
    });
    for (const entry of repeats) {
      const first = storeOf.get(entry.jobId) as Promise<unknown>;
      settled.push(first.then(() => entry.resolve({ duplicate: true }), entry.reject));
    }
    void Promise.allSettled(settled).then(clear);
  }

  return (jobId, data) =>
    new Promise((resolve, reject) => {
      pending.push({ jobId, data, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
        // Corked now, uncorked by an immediate queued after flush's: in the same check phase,
        // once flush's microtasks (BullMQ's add writes a few hops in) have run. Corking in
        // flush itself would hold the writes until the next turn of the loop.
        holdWrites();
      }
    });
}

/** EXISTS of each key given, as a list of 0/1 (EXISTS with several keys only counts them). */
const EXISTS_EACH = `
local found = {}
for i = 1, #KEYS do found[i] = redis.call('EXISTS', KEYS[i]) end
return found`;

type ExistsEachClient = { relayExistsEach(count: number, ...keys: string[]): Promise<number[]> };

function defineExistsEach(connection: RedisClient): (keys: string[]) => Promise<number[]> {
  const client = connection as unknown as Partial<ExistsEachClient>;
  if (!client.relayExistsEach) connection.defineCommand('relayExistsEach', { lua: EXISTS_EACH });
  const run = connection as unknown as ExistsEachClient;
  return (keys) => run.relayExistsEach(keys.length, ...keys);
}
