import { createRingBuffer } from '../lib/ring-buffer.ts';
import { createDeliveryFaults, type WebhookFaults } from './delivery-faults.ts';
import { createNotification, type Notification } from './notification.ts';
import { postJson } from './post-json.ts';
import { hubSignature } from './signature.ts';
import { createSubscription, type DeliveryLimits, type Subscription } from './subscription.ts';

export type WebhookSenderOptions = {
  urls: string[];
  secret: string;
  workspaceId: string;
  retryDelayMs: number;
  timeoutMs: number;
  /** Certificates (PEM) trusted for https receivers besides the system's. */
  ca?: string | undefined;
  limits: DeliveryLimits;
  /** Start-up delivery faults (lost and reordered notifications), drawn from `random`. */
  faults: WebhookFaults;
  random: () => number;
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

/** One notification on its way to one receiver. */
type Delivery = {
  subscription: Subscription;
  notification: Notification;
  /** Failed attempts so far (429 and 410 are not failures: they have their own rules). */
  failures: number;
  /** 429 answers so far, and the total delay they have cost. */
  throttles: number;
  throttledForMs: number;
};

const emptyCounts = () => ({
  emitted: 0,
  sent: 0,
  failed: 0,
  retried: 0,
  dropped: 0,
  throttled: 0,
  disabled: 0,
  paused: 0,
  skipped: 0,
  lost: 0,
  reordered: 0,
});

/**
 * Delivers notifications like Intercom: 5 s timeout; a failure (non-2xx or no answer) is
 * retried once after `retryDelayMs`, then dropped. A 410 disables the receiver's subscription
 * (nothing more is sent to it); a 429 re-sends after `throttleDelayMs`, doubling each time,
 * and drops the notification once it would be held longer than `throttleMaxMs`; more than
 * `pauseErrorThreshold` consecutive errors on a topic within `pauseWindowMs` pause that topic
 * for `pauseMs`. What a disabled subscription or a paused topic does not send is `skipped`.
 * Delivery faults lose a share of notifications (`lost`, their ids kept) and hold a share back
 * so later ones overtake them (`reordered`). Deliveries never block the API answer.
 */
export function createWebhookSender(options: WebhookSenderOptions) {
  const { limits, now } = options;
  const counts = emptyCounts();
  const deliveries = createRingBuffer<DeliveryRecord>(1000);
  const retryTimers = new Set<NodeJS.Timeout>();
  const heldTimers = new Set<NodeJS.Timeout>();
  const faults = createDeliveryFaults(options.faults, options.random);
  const lostIds = createRingBuffer<string>(1000);
  let subscriptions = options.urls.map((url) => createSubscription(url, limits));
  let inFlight = new AbortController();
  /** Bumped by stop(): deliveries from before it end silently, without retry or count. */
  let generation = 0;
  let active = 0;

  async function post(url: string, notification: Notification) {
    const body = JSON.stringify(notification);
    active++;
    try {
      const status = await postJson(url, body, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'intercom-parrot-service-client/1.0',
          'x-hub-signature': hubSignature(options.secret, body),
        },
        signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(options.timeoutMs)]),
        ca: options.ca,
      });
      return { status, error: null };
    } catch (err) {
      return { status: null, error: errorMessage(err) };
    } finally {
      active--;
    }
  }

  async function deliver(delivery: Delivery): Promise<void> {
    const { subscription, notification } = delivery;
    const { topic } = notification;
    if (subscription.isDisabled() || subscription.isPaused(topic, now())) {
      counts.skipped++;
      return;
    }
    const startedIn = generation;
    const { status, error } = await post(subscription.url, notification);
    if (startedIn !== generation) return;
    const ok = status !== null && status >= 200 && status < 300;
    deliveries.push({
      notificationId: notification.id,
      topic,
      url: subscription.url,
      attempt: notification.delivery_attempts,
      status,
      error,
      ok,
      at: now(),
    });
    if (ok) {
      counts.sent++;
      subscription.recordSuccess(topic);
    } else if (status === 410) {
      counts.disabled++;
      subscription.disable(now());
    } else if (status === 429) {
      throttle(delivery);
    } else {
      fail(delivery);
    }
  }

  function throttle(delivery: Delivery) {
    counts.throttled++;
    const delayMs = limits.throttleDelayMs * 2 ** delivery.throttles;
    if (delivery.throttledForMs + delayMs > limits.throttleMaxMs) {
      counts.dropped++;
      return;
    }
    later(delayMs, {
      ...delivery,
      throttles: delivery.throttles + 1,
      throttledForMs: delivery.throttledForMs + delayMs,
    });
  }

  function fail(delivery: Delivery) {
    counts.failed++;
    if (delivery.subscription.recordError(delivery.notification.topic, now())) counts.paused++;
    if (delivery.failures >= 1) {
      counts.dropped++;
      return;
    }
    counts.retried++;
    later(options.retryDelayMs, { ...delivery, failures: delivery.failures + 1 });
  }

  /** Sends the delivery again after `delayMs`, as the next attempt. */
  function later(delayMs: number, delivery: Delivery) {
    const { notification } = delivery;
    const next = { ...notification, delivery_attempts: notification.delivery_attempts + 1 };
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      void deliver({ ...delivery, notification: next });
    }, delayMs);
    retryTimers.add(timer);
  }

  function sendToEveryReceiver(notification: Notification) {
    for (const subscription of subscriptions) {
      void deliver({ subscription, notification, failures: 0, throttles: 0, throttledForMs: 0 });
    }
  }

  function holdBack(notification: Notification) {
    const timer = setTimeout(() => {
      heldTimers.delete(timer);
      sendToEveryReceiver(notification);
    }, faults.config().reorderDelayMs);
    heldTimers.add(timer);
  }

  return {
    /** Sends one notification to every receiver; returns it (with its id) at once. */
    emit(topic: string, item: unknown): Notification {
      const notification = createNotification(options.workspaceId, topic, item, now());
      counts.emitted++;
      const fate = faults.draw();
      if (fate === 'lose') {
        counts.lost++;
        lostIds.push(notification.id);
      } else if (fate === 'hold') {
        counts.reordered++;
        holdBack(notification);
      } else {
        sendToEveryReceiver(notification);
      }
      return notification;
    },
    stats: () => ({
      ...counts,
      pendingRetries: retryTimers.size,
      pendingReorders: heldTimers.size,
      inFlight: active,
      subscriptions: subscriptions.map((s) => s.view(now())),
    }),
    deliveries: () => deliveries.toArray(),
    /** The ids of the last 1,000 notifications lost to `dropShare`, oldest first. */
    lostIds: () => lostIds.toArray(),
    faults,
    /** Cancels pending retries and held-back notifications (counted as dropped) and deliveries. */
    stop() {
      for (const timers of [retryTimers, heldTimers]) {
        for (const timer of timers) clearTimeout(timer);
        counts.dropped += timers.size;
        timers.clear();
      }
      generation++;
      inFlight.abort();
      inFlight = new AbortController();
    },
    /** Also re-enables disabled subscriptions, resumes paused topics, restores start-up faults. */
    reset() {
      this.stop();
      Object.assign(counts, emptyCounts());
      deliveries.clear();
      lostIds.clear();
      faults.clear();
      subscriptions = options.urls.map((url) => createSubscription(url, limits));
    },
  };
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}
