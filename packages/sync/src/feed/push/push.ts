import type { Cluster, Redis } from 'ioredis';
import { feedKeys } from '../feed-store.ts';
import { createCrmEndpoint } from './crm-endpoint.ts';
import { createEndpointCircuit } from './endpoint-circuit.ts';
import { createPushDelivery, type DeliveryOutcome } from './push-delivery.ts';
import { createPushDispatcher, type DeliveryJob } from './push-dispatcher.ts';
import { compareCursors, pushKeys } from './push-keys.ts';

export type PushOptions = {
  redis: Redis | Cluster;
  /** A connection of its own for the dispatcher's blocking read of the log. */
  blocking: Redis | Cluster;
  prefix: string;
  url: string;
  secrets: () => readonly Buffer[];
  /** CRM_WEBHOOK_RETRY_SCHEDULE: the delays between attempts. */
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  concurrency: number;
  retentionMs: number;
  addDelivery: (jobId: string, job: DeliveryJob) => Promise<void>;
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
  const delivery = createPushDelivery({
    redis: options.redis,
    keys,
    feedKeys: fed,
    endpoint,
    circuit,
    secrets: options.secrets,
    attempts: options.retryScheduleMs.length + 1,
    timeoutMs: options.timeoutMs,
    retentionMs: options.retentionMs,
    observe: options.observe,
  });
  const dispatcher = createPushDispatcher({
    redis: options.redis,
    blocking: options.blocking,
    feedKeys: fed,
    keys,
    addDelivery: options.addDelivery,
    onError: options.onError,
    onMissed: options.onMissed,
  });
  return {
    deliver: delivery.deliver,
    /** The wait before attempt `attemptsMade + 1`: Retry-After when the CRM gave one, else the schedule's, ±20 %. */
    retryDelayMs(attemptsMade: number, retryAfterMs?: number): number {
      if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 86_400_000);
      const delay = options.retryScheduleMs[Math.max(0, attemptsMade - 1)] ?? 0;
      return Math.round(delay * (0.8 + Math.random() * 0.4));
    },
    attempts: options.retryScheduleMs.length + 1,
    start: dispatcher.start,
    async stop(): Promise<void> {
      await dispatcher.stop();
      endpoint.close();
    },
    circuit,
    undelivered: () => options.redis.scard(keys.pending),
  };
}

export type Push = ReturnType<typeof createPush>;

/**
 * What an operator does with the push from anywhere with Redis (the ingress's admin API):
 * enable the endpoint after a 410, and send changes again from a cursor.
 */
export function createPushControl(redis: Redis | Cluster, prefix: string) {
  const keys = pushKeys(prefix);
  return {
    enable: () => createEndpointCircuit(redis, prefix, { probeMs: 1 }).enable(),
    state: () => createEndpointCircuit(redis, prefix, { probeMs: 1 }).state(),
    undelivered: () => redis.scard(keys.pending),
    /**
     * Changes after `after` are staged again: each record's latest is delivered again (never
     * an older version after a newer one), conversation changes each once more.
     */
    async replayAfter(after: string): Promise<void> {
      const current = (await redis.get(keys.cursor)) ?? '0-0';
      if (compareCursors(after, current) >= 0) return;
      const until = await redis.get(keys.replayUntil);
      if (!until || compareCursors(current, until) > 0) await redis.set(keys.replayUntil, current);
      await redis.set(keys.cursor, after);
    },
  };
}

export type PushControl = ReturnType<typeof createPushControl>;
