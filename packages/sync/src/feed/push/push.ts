import type { KeyObject } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { feedKeys } from '../feed-store.ts';
import { createCrmEndpoint } from './crm-endpoint.ts';
import { createEndpointCircuit } from './endpoint-circuit.ts';
import { createPushDelivery, type DeliveryOutcome, type PushParts } from './push-delivery.ts';
import { createPushDispatcher, type DeliveryJob } from './push-dispatcher.ts';
import { compareCursors, deliveryJobId, type PushKeys, pushKeys } from './push-keys.ts';
import { createPushSender } from './push-sender.ts';

export type PushOptions = {
  redis: Redis | Cluster;
  /** A connection of its own for the dispatcher's blocking read of the log. */
  blocking: Redis | Cluster;
  prefix: string;
  url: string;
  secrets: () => readonly KeyObject[];
  /** CRM_WEBHOOK_RETRY_SCHEDULE: the delays between attempts. */
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  concurrency: number;
  retentionMs: number;
  /** Adds a delivery job (idempotent by id), to start after `delayMs`. */
  addDelivery: (jobId: string, job: DeliveryJob, delayMs: number) => Promise<void>;
  observe?: (outcome: DeliveryOutcome, lagSeconds?: number) => void;
  onError: (error: unknown) => void;
  onMissed?: (from: string, trimmedTo: string) => void;
};

/** The change feed pushed to the CRM as Standard Webhooks (see the glossary: slot, endpoint circuit). */
export function createPush(options: PushOptions) {
  const keys = pushKeys(options.prefix);
  const fed = feedKeys(options.prefix);
  const endpoint = createCrmEndpoint({
    url: options.url,
    timeoutMs: options.timeoutMs,
    maxSockets: options.concurrency,
  });
  const circuit = createEndpointCircuit(options.redis, options.prefix, {
    probeMs: options.timeoutMs + 5_000,
  });
  const parts: PushParts = {
    redis: options.redis,
    keys,
    feedKeys: fed,
    endpoint,
    circuit,
    secrets: options.secrets,
    timeoutMs: options.timeoutMs,
    retentionMs: options.retentionMs,
    observe: options.observe,
  };
  const delivery = createPushDelivery({ ...parts, attempts: options.retryScheduleMs.length });
  /** The wait before retry `retry` (1 = the first after the fast path's attempt), ±20 %. */
  const scheduled = (retry: number) =>
    Math.round((options.retryScheduleMs[retry - 1] ?? 0) * (0.8 + Math.random() * 0.4));
  const honouring = (retryAfterMs: number | undefined, retry: number) =>
    retryAfterMs !== undefined ? Math.min(retryAfterMs, 86_400_000) : scheduled(retry);
  const sender = createPushSender({
    ...parts,
    concurrency: options.concurrency,
    handOver: (job, delayMs) =>
      options.addDelivery(deliveryJobId(job.record, job.seq), job, delayMs),
    firstRetryMs: (answer) => honouring(answer.retryAfterMs, 1),
    onError: options.onError,
  });
  const dispatcher = createPushDispatcher({
    redis: options.redis,
    blocking: options.blocking,
    feedKeys: fed,
    keys,
    onError: options.onError,
    onMissed: options.onMissed,
  });
  return {
    deliver: delivery.deliver,
    /**
     * The wait before a delivery job's next try, after `attemptsMade` of its own failed (the
     * fast path's attempt came before them): Retry-After when the CRM gave one.
     */
    retryDelayMs: (attemptsMade: number, retryAfterMs?: number) =>
      honouring(retryAfterMs, attemptsMade + 1),
    /** A delivery job's attempts: one per delay of the schedule after the first. */
    attempts: options.retryScheduleMs.length,
    start() {
      dispatcher.start();
      sender.start();
    },
    async stop(): Promise<void> {
      await Promise.all([dispatcher.stop(), sender.stop()]);
      endpoint.close();
    },
    circuit,
    undelivered: () => undeliveredChanges(options.redis, keys),
  };
}

export type Push = ReturnType<typeof createPush>;

/**
 * What an operator does with the push from anywhere with Redis (the ingress's admin API):
 * enable the endpoint after a 410, and send changes again from a cursor.
 */
export function createPushControl(redis: Redis | Cluster, prefix: string) {
  const keys = pushKeys(prefix);
  // Only read and reset here: no delivery, so no probe.
  const circuit = createEndpointCircuit(redis, prefix, { probeMs: 0 });
  return {
    enable: circuit.enable,
    state: circuit.state,
    undelivered: () => undeliveredChanges(redis, keys),
    /**
     * Changes after `after` are staged again: each record's latest is delivered again (never
     * an older one after a newer), conversation changes each once more. Nothing is done when
     * the push has not passed `after` (those changes go anyway) or has not started
     * (`pushedUpTo` null: no worker pushed on this Redis yet).
     */
    async replayAfter(after: string): Promise<{ replaying: boolean; pushedUpTo: string | null }> {
      const current = await redis.get(keys.cursor);
      if (current === null || compareCursors(after, current) >= 0) {
        return { replaying: false, pushedUpTo: current };
      }
      const until = await redis.get(keys.replayUntil);
      if (!until || compareCursors(current, until) > 0) await redis.set(keys.replayUntil, current);
      await redis.set(keys.cursor, after);
      return { replaying: true, pushedUpTo: current };
    },
  };
}

export type PushControl = ReturnType<typeof createPushControl>;

/** Records with a change not yet delivered: due (or being sent), or held off the fast path. */
async function undeliveredChanges(redis: Redis | Cluster, keys: PushKeys): Promise<number> {
  const [due, held] = await Promise.all([redis.zcard(keys.due), redis.scard(keys.held)]);
  return due + held;
}
