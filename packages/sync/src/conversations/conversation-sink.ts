import { createHmac } from 'node:crypto';
import { AppError } from '@relay/errors';
import type { WebhookNotification } from '@relay/jobs';
import type { Cluster, Redis } from 'ioredis';

/** How many conversation notifications the stream keeps (oldest trimmed first). */
const STREAM_MAX_ENTRIES = 100_000;

export type ConversationSink = {
  deliver(notification: WebhookNotification): Promise<void>;
};

/**
 * Conversation notifications for the CRM's own consumers, on a Redis stream
 * (`<prefix>:sink:conversations`; read it with XREAD or a consumer group). Fields: id, topic,
 * created_at and the notification as JSON. The notification id is the entry's `id` field, so
 * a consumer can skip a redelivered one.
 */
export function createStreamSink(redis: Redis | Cluster, prefix: string): ConversationSink {
  const key = `${prefix}:sink:conversations`;
  return {
    async deliver(notification) {
      await redis.xadd(
        key,
        'MAXLEN',
        '~',
        STREAM_MAX_ENTRIES,
        '*',
        'id',
        notification.id,
        'topic',
        notification.topic,
        'created_at',
        String(notification.created_at ?? ''),
        'notification',
        JSON.stringify(notification),
      );
    },
  };
}

/** CONVERSATION_SINK=none: conversation topics are acknowledged and dropped. */
export const noSink: ConversationSink = { deliver: async () => {} };

/** How long the CRM's endpoint has to answer before the delivery counts as failed. */
const HTTP_SINK_TIMEOUT_MS = 5_000;

/**
 * CONVERSATION_SINK=http: each conversation notification is POSTed to the CRM's URL as JSON,
 * signed like Intercom signs its own (`X-Relay-Signature: sha256=<hex HMAC-SHA256(secret,
 * body)>`, and the notification id in `X-Relay-Notification-Id` to deduplicate on). A non-2xx
 * answer or a timeout fails the webhook job, which BullMQ retries with backoff; after its
 * attempts it is a dead letter that can be replayed.
 */
export function createHttpSink(options: {
  url: string;
  secret: () => string;
  fetch?: typeof fetch;
}): ConversationSink {
  const send = options.fetch ?? fetch;
  return {
    async deliver(notification) {
      const body = JSON.stringify(notification);
      const signature = createHmac('sha256', options.secret()).update(body).digest('hex');
      let status: number;
      try {
        const response = await send(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-relay-signature': `sha256=${signature}`,
            'x-relay-notification-id': notification.id,
          },
          body,
          signal: AbortSignal.timeout(HTTP_SINK_TIMEOUT_MS),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (cause) {
        throw new AppError('SINK_UNAVAILABLE', 'the conversation sink did not answer', { cause });
      }
      if (status < 200 || status >= 300) {
        throw new AppError('SINK_UNAVAILABLE', `the conversation sink answered ${status}`, {
          status,
        });
      }
    },
  };
}
