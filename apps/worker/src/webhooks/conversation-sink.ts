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
