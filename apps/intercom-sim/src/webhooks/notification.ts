import { randomUUID } from 'node:crypto';

export type Notification = {
  type: 'notification_event';
  app_id: string;
  id: string;
  topic: string;
  created_at: number;
  delivery_attempts: number;
  first_sent_at: number;
  data: { type: 'notification_event_data'; item: unknown };
};

/** A webhook body as Intercom sends it; `delivery_attempts` is bumped on the retry. */
export function createNotification(
  workspaceId: string,
  topic: string,
  item: unknown,
  nowMs: number,
): Notification {
  const seconds = Math.floor(nowMs / 1000);
  return {
    type: 'notification_event',
    app_id: workspaceId,
    id: `notif_${randomUUID()}`,
    topic,
    created_at: seconds,
    delivery_attempts: 1,
    first_sent_at: seconds,
    data: { type: 'notification_event_data', item },
  };
}
