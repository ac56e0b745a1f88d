import {
  E2E_CRM_TOKEN,
  E2E_WEBHOOK_SECRET,
  notificationFixture,
  signWebhook,
  waitFor,
} from '@relay/testkit';

export type IntakeLoadOptions = {
  ingressUrl: string;
  /** Makes external ids and notification ids unique to this run. */
  tag: string;
  /** Requests in flight at once. @defaultValue 4 */
  concurrency?: number;
  /** Contacts per push; every other request is a signed `ping` webhook. @defaultValue 3 */
  contactsPerPush?: number;
};

/** What the senders saw, request by request. */
export type IntakeTally = {
  /** Requests sent (pushes and webhooks). */
  sent: number;
  /** Requests answered 2xx. */
  acknowledged: number;
  /** external_id → name of every contact the ingress accepted (in a 202's `accepted`). */
  contacts: Map<string, string>;
  /** Notification ids answered 200. */
  webhooks: string[];
  /** Answers that acknowledged nothing, by kind: `503 QUEUE_UNAVAILABLE`, `connection error`… */
  refused: Record<string, number>;
  /** Contacts refused inside a 202 (part of a batch could not be stored). */
  itemsRefused: number;
  /** Refusals that carried no Retry-After. */
  refusedWithoutRetryAfter: number;
  /** The first message of each kind of refusal (what a failing run's log should say). */
  refusalMessages: Record<string, string>;
};

/**
 * What a sender may see instead of a 2xx while Redis is down or failing over: a refusal it
 * retries (503 with Retry-After), or no answer at all.
 */
export const ALLOWED_REFUSALS = new Set([
  '503 QUEUE_UNAVAILABLE',
  'connection error',
  'no answer (timeout)',
]);

/** Requests that acknowledged nothing, of every kind. */
export const refusals = (tally: IntakeTally) =>
  Object.values(tally.refused).reduce((a, b) => a + b, 0);

/**
 * Concurrent CRM pushes and Intercom webhooks against the ingress until `stop()`, each
 * outcome recorded: the acknowledged items are what the relay promised to process.
 */
export function startIntakeLoad(options: IntakeLoadOptions) {
  const concurrency = options.concurrency ?? 4;
  const perPush = options.contactsPerPush ?? 3;
  const tally: IntakeTally = {
    sent: 0,
    acknowledged: 0,
    contacts: new Map(),
    webhooks: [],
    refused: {},
    itemsRefused: 0,
    refusedWithoutRetryAfter: 0,
    refusalMessages: {},
  };
  let running = true;
  let next = 0;

  const refuse = (kind: string, response?: Response, message?: string) => {
    tally.refused[kind] = (tally.refused[kind] ?? 0) + 1;
    if (message !== undefined) tally.refusalMessages[kind] ??= message;
    if (response && !response.headers.get('retry-after')) tally.refusedWithoutRetryAfter++;
  };

  async function push(n: number) {
    const contacts = Array.from({ length: perPush }, (_, i) => ({
      external_id: `${options.tag}-${n}-${i}`,
      name: `Contact ${n}-${i}`,
    }));
    const response = await fetch(`${options.ingressUrl}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contacts }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as {
      accepted?: { index: number }[];
      rejected?: unknown[];
      error?: { code: string; message?: string };
    };
    if (response.status !== 202) {
      return refuse(`${response.status} ${body.error?.code}`, response, body.error?.message);
    }
    tally.acknowledged++;
    for (const { index } of body.accepted ?? []) {
      const contact = contacts[index];
      if (contact) tally.contacts.set(contact.external_id, contact.name);
    }
    tally.itemsRefused += body.rejected?.length ?? 0;
  }

  async function webhook(n: number) {
    const notification = notificationFixture({
      id: `notif-${options.tag}-${n}`,
      topic: 'ping',
      item: { type: 'ping', message: 'load' },
    });
    const raw = JSON.stringify(notification);
    const response = await fetch(`${options.ingressUrl}/webhooks/intercom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signWebhook(raw, E2E_WEBHOOK_SECRET),
      },
      body: raw,
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as {
      status?: string;
      error?: { code: string; message?: string };
    };
    if (response.status !== 200) {
      return refuse(`${response.status} ${body.error?.code}`, response, body.error?.message);
    }
    tally.acknowledged++;
    tally.webhooks.push(notification.id);
  }

  async function sender() {
    while (running) {
      const n = next++;
      tally.sent++;
      try {
        await (n % 2 === 0 ? push(n) : webhook(n));
      } catch (error) {
        // No answer at all: the sender knows nothing was acknowledged and sends again.
        refuse(
          (error as Error).name === 'TimeoutError' ? 'no answer (timeout)' : 'connection error',
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  const senders = Array.from({ length: concurrency }, () => sender());
  return {
    tally,
    /** Waits up to `timeoutMs` for `count` more requests to be acknowledged from now on. */
    async acknowledgedMore(count: number, timeoutMs: number): Promise<void> {
      const from = tally.acknowledged;
      await waitFor(
        async () => tally.acknowledged - from,
        (n) => n >= count,
        timeoutMs,
      );
    },
    /** Stops sending and resolves with the tally once every request in flight is answered. */
    async stop(): Promise<IntakeTally> {
      running = false;
      await Promise.all(senders);
      return tally;
    },
  };
}
