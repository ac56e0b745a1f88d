import { createHmac, randomUUID } from 'node:crypto';

/** `X-Hub-Signature` as Intercom computes it: HMAC-SHA1 of the raw body with the client secret. */
export function signWebhook(rawBody: string, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
}

/** A notification shaped like Intercom's (see FACTS.md, Webhooks). */
export function notificationFixture(options: { topic?: string; id?: string; item?: unknown } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    type: 'notification_event',
    app_id: 'simapp',
    id: options.id ?? `notif_${randomUUID()}`,
    topic: options.topic ?? 'contact.user.created',
    created_at: now,
    delivery_attempts: 1,
    first_sent_at: now,
    data: {
      type: 'notification_event_data',
      item: options.item ?? {
        type: 'contact',
        id: '6762f0dd4a5b3c2e1f0a9b8c',
        external_id: 'crm-1',
        role: 'user',
        email: 'ada@example.com',
      },
    },
  };
}

/** POSTs a notification to the ingress as Intercom does: signed, JSON. */
export async function deliverWebhook(
  ingressUrl: string,
  notification: unknown,
  secret: string,
): Promise<{ status: number; body: { status?: string; jobId?: string } }> {
  const body = JSON.stringify(notification);
  const response = await fetch(`${ingressUrl}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(body, secret) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { status?: string } };
}
