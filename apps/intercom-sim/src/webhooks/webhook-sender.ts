import { createRingBuffer } from '../lib/ring-buffer.ts';
import { createNotification, type Notification } from './notification.ts';
import { hubSignature } from './signature.ts';

export type WebhookSenderOptions = {
  urls: string[];
  secret: string;
  workspaceId: string;
  retryDelayMs: number;
  timeoutMs: number;
  now: () => number;
};

export type DeliveryRecord = {
  notificationId: string;
  topic: string;
  url: string;
  attempt: number;
  /** The receiver's status, or null when it did not answer (timeout, refused, reset). */
  status: number | null;
  error: string | null;
  ok: boolean;
  at: number;
};

/**
 * Delivers notifications like Intercom: 5 s timeout, a failed delivery (non-2xx or no answer)
 * is retried once after `retryDelayMs`, then dropped. Deliveries never block the API answer.
 */
export function createWebhookSender(options: WebhookSenderOptions) {
  const counts = { emitted: 0, sent: 0, failed: 0, retried: 0, dropped: 0 };
  const deliveries = createRingBuffer<DeliveryRecord>(1000);
  const retryTimers = new Set<NodeJS.Timeout>();
  let inFlight = new AbortController();
  /** Bumped by stop(): deliveries from before it end silently, without retry or count. */
  let generation = 0;
  let active = 0;

  async function deliver(url: string, notification: Notification): Promise<void> {
    const body = JSON.stringify(notification);
    const startedIn = generation;
    let status: number | null = null;
    let error: string | null = null;
    active++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'intercom-parrot-service-client/1.0',
          'x-hub-signature': hubSignature(options.secret, body),
        },
        signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (err) {
      error =
        err instanceof Error
          ? err.cause instanceof Error
            ? err.cause.message
            : err.message
          : String(err);
    } finally {
      active--;
    }
    if (startedIn !== generation) return;
    const ok = status !== null && status >= 200 && status < 300;
    const attempt = notification.delivery_attempts;
    const { id: notificationId, topic } = notification;
    deliveries.push({ notificationId, topic, url, attempt, status, error, ok, at: options.now() });
    if (ok) counts.sent++;
    else afterFailure(url, notification);
  }

  function afterFailure(url: string, notification: Notification) {
    counts.failed++;
    if (notification.delivery_attempts >= 2) {
      counts.dropped++;
      return;
    }
    counts.retried++;
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      void deliver(url, { ...notification, delivery_attempts: 2 });
    }, options.retryDelayMs);
    retryTimers.add(timer);
  }

  return {
    /** Sends one notification to every receiver; returns it (with its id) at once. */
    emit(topic: string, item: unknown): Notification {
      const notification = createNotification(options.workspaceId, topic, item, options.now());
      counts.emitted++;
      for (const url of options.urls) void deliver(url, notification);
      return notification;
    },
    stats: () => ({ ...counts, pendingRetries: retryTimers.size, inFlight: active }),
    deliveries: () => deliveries.toArray(),
    /** Cancels pending retries (counted as dropped) and in-flight deliveries. */
    stop() {
      for (const timer of retryTimers) clearTimeout(timer);
      counts.dropped += retryTimers.size;
      retryTimers.clear();
      generation++;
      inFlight.abort();
      inFlight = new AbortController();
    },
    reset() {
      this.stop();
      for (const key of Object.keys(counts) as Array<keyof typeof counts>) counts[key] = 0;
      deliveries.clear();
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
