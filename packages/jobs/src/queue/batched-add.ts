import { Job, type JobsOptions, type Queue } from 'bullmq';
import type { RedisClient } from '../redis/connection.ts';
import { redisTimeout } from '../redis/deadline.ts';
import { createWriteCoalescing } from '../redis/write-coalescing.ts';

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
    // Two deliveries of one notification in one turn would both be found absent before
    // either add, and both be told "new": a repeat waits for the first and is a duplicate.
    const firsts = new Map<string, Stored>();
    for (const entry of batch) {
      const first = firsts.get(entry.jobId);
      if (first) first.repeats.push(entry);
      else firsts.set(entry.jobId, { entry, index: firsts.size, repeats: [] });
    }
    // One command looks up every id of the turn. Sent before the adds on the same connection,
    // it sees the store as it was before them (an add of an existing id stores nothing:
    // BullMQ keeps the first job with an id). The ids share the prefix's hash tag: one slot.
    const keys: string[] = [];
    for (const jobId of firsts.keys()) keys.push(queue.toKey(jobId));
    let found: number[] | undefined;
    let left = firsts.size;
    // One timer for the turn; a reject after a resolve is ignored by the promise.
    const timer = setTimeout(() => {
      const error = redisTimeout(options.timeoutMs);
      for (const entry of batch) entry.reject(error);
    }, options.timeoutMs);
    const settled = (): void => {
      left -= 1;
      if (left === 0) clearTimeout(timer);
    };
    const fail = (stored: Stored, error: unknown): void => {
      stored.entry.reject(error);
      for (const repeat of stored.repeats) repeat.reject(error);
      settled();
    };
    const answer = (stored: Stored, flags: number[]): void => {
      stored.entry.resolve({ duplicate: flags[stored.index] === 1 });
      for (const repeat of stored.repeats) repeat.resolve({ duplicate: true });
      settled();
    };
    const lookup = existsEach(keys);
    lookup.then(
      (flags) => {
        found = flags;
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
    for (const stored of firsts.values()) {
      // Job.create is what queue.add runs under its tracing wrappers (BullMQ telemetry is not
      // configured here): a few promises less per webhook.
      Job.create(queue, options.jobName, stored.entry.data, {
        ...options.jobOptions,
        jobId: stored.entry.jobId,
      }).then(
        () => {
          // The lookup's answer came first (Redis answers a connection in order), so this
          // is the usual path; otherwise wait for it (a failed lookup rejected every entry).
          if (found !== undefined) answer(stored, found);
          else lookup.then((flags) => answer(stored, flags), settled);
        },
        (error: unknown) => fail(stored, error),
      );
    }
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

type Stored = { entry: Pending; index: number; repeats: Pending[] };

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
