import { type Static, Type } from 'typebox';

/**
 * An Intercom webhook notification. Only what the relay relies on is required; Intercom adds
 * fields over time, so unknown ones pass through.
 */
export const WebhookNotification = Type.Object({
  type: Type.Literal('notification_event'),
  id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.-]+$' }),
  topic: Type.String({ minLength: 1, maxLength: 200 }),
  app_id: Type.Optional(Type.String()),
  created_at: Type.Optional(Type.Number()),
  delivery_attempts: Type.Optional(Type.Number()),
  first_sent_at: Type.Optional(Type.Number()),
  data: Type.Object({ item: Type.Unknown() }),
});
export type WebhookNotification = Static<typeof WebhookNotification>;

export type WebhookProcessJob = {
  notification: WebhookNotification;
  receivedAt: number;
};
