import { AppError } from '@relay/errors';
import { Cluster } from 'ioredis';
import { primaryHolding } from './cluster-slot.ts';
import type { RedisClient } from './connection.ts';

export type ReplicaConfirmOptions = {
  /**
   * A connection of its own: WAIT blocks the connection it runs on until the replicas answer,
   * and the producer's must stay free for the next requests' writes.
   */
  connection: RedisClient;
  /** The queues' prefix: the probe key shares its hash tag (on a cluster, the queues' shard). */
  prefix: string;
  /** REDIS_ACK_REPLICAS: how many replicas must hold a write before it is acknowledged. */
  replicas: number;
  /** How long to wait for them before the answer is 503 (REDIS_ACK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Told each WAIT's outcome (short: too few replicas, or no answer) and how long it took. */
  observe?: (outcome: 'confirmed' | 'short', seconds: number) => void;
};

/** Resolves once the replicas hold every write Redis made before the call; else QUEUE_UNAVAILABLE. */
export type ReplicaConfirm = () => Promise<void>;

type Batch = { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void };

const RETRY_AFTER_MS = 5_000;

/**
 * Acknowledged means replicated (see the glossary: replica confirmation). Redis's WAIT counts
 * the replicas that acknowledged the writes of the connection it runs on, so it runs on a
 * connection of its own after a write of its own (the probe): the replication stream is in
 * order, so replicas holding the probe hold every write Redis made before it — the jobs of
 * every caller whose store had been answered when it asked. Callers of one turn share one
 * WAIT; those arriving while one runs wait for the next (their writes may be after its probe).
 */
export function createReplicaConfirm(options: ReplicaConfirmOptions): ReplicaConfirm {
  const probeKey = `${options.prefix}:replica-probe`;
  let gathering: Batch | undefined;
  let running = false;
  let scheduled = false;

  async function probeAndWait(): Promise<number> {
    try {
      const node = primaryHolding(options.connection, probeKey);
      const replies = await node
        .pipeline()
        .incr(probeKey)
        .call('WAIT', String(options.replicas), String(options.timeoutMs))
        .exec();
      for (const [error] of replies ?? []) if (error) throw error;
      return Number(replies?.[1]?.[1] ?? 0);
    } catch (error) {
      // The primary may have moved (see the glossary: cluster failover).
      if (options.connection instanceof Cluster) options.connection.refreshSlotsCache();
      throw error;
    }
  }

  function run(): void {
    scheduled = false;
    if (running || !gathering) return;
    const batch = gathering;
    gathering = undefined;
    running = true;
    const started = performance.now();
    probeAndWait()
      .then(
        (confirmed) => {
          const enough = confirmed >= options.replicas;
          options.observe?.(enough ? 'confirmed' : 'short', (performance.now() - started) / 1_000);
          if (enough) batch.resolve();
          else batch.reject(notConfirmed(confirmed, options));
        },
        (cause: unknown) => {
          options.observe?.('short', (performance.now() - started) / 1_000);
          batch.reject(notConfirmed(undefined, options, cause));
        },
      )
      .finally(() => {
        running = false;
        run();
      });
  }

  return () => {
    if (!gathering) gathering = deferred();
    const { promise } = gathering;
    if (!running && !scheduled) {
      scheduled = true;
      setImmediate(run); // after this turn's other stores have asked too
    }
    return promise;
  };
}

function notConfirmed(
  confirmed: number | undefined,
  options: ReplicaConfirmOptions,
  cause?: unknown,
): AppError {
  const why =
    confirmed === undefined
      ? 'Redis did not answer'
      : `${confirmed} of ${options.replicas} replica(s) confirmed within ${options.timeoutMs} ms`;
  return new AppError(
    'QUEUE_UNAVAILABLE',
    `the job store could not confirm that its replicas hold the job (${why}); retry later`,
    {
      ...(cause === undefined ? {} : { cause }),
      retryAfterMs: RETRY_AFTER_MS,
      details: { replicasRequired: options.replicas, replicasConfirmed: confirmed ?? 0 },
    },
  );
}

function deferred(): Batch {
  let resolve = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // A batch nobody awaits any more must not crash the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
