import { randomUUID } from 'node:crypto';
import { notificationFixture, signWebhook } from '@relay/testkit';

export type ContactItem = Record<string, unknown>;

/** A CRM export: mostly good contacts, a few invalid ones, so rejection shows in the answer. */
export function crmContacts(count: number, invalidEvery = 500): ContactItem[] {
  return Array.from({ length: count }, (_, i) => {
    if (i > 0 && i % invalidEvery === 0) return { email: `no-external-id-${i}@example.com` };
    return {
      external_id: `crm-${i}`,
      email: `customer${i}@example.com`,
      name: `Customer ${i}`,
      role: i % 7 === 0 ? 'lead' : 'user',
      custom_attributes: { plan: i % 3 === 0 ? 'pro' : 'free', seats: (i % 20) + 1 },
    };
  });
}

/** Changed copies of some contacts: each becomes a 409 on create, then an update. */
export function crmUpdates(count: number): ContactItem[] {
  return Array.from({ length: count }, (_, i) => ({
    external_id: `crm-${i * 3 + 1}`,
    name: `Customer ${i * 3 + 1} (renamed)`,
  }));
}

export type SignedWebhook = { body: string; signature: string; id: string };

/**
 * Notifications as Intercom would send them, signed; `duplicates` of them are delivered twice
 * (Intercom retries, and duplicates happen) and `forged` carry a wrong signature.
 */
export function webhookBurst(count: number, duplicates: number, forged: number, secret: string) {
  const topics = [
    'contact.user.updated',
    'contact.lead.created',
    'conversation.user.replied',
    'company.updated',
    'ping',
  ];
  const signed: SignedWebhook[] = Array.from({ length: count }, (_, i) => {
    const notification = notificationFixture({ topic: topics[i % topics.length] ?? 'ping' });
    const body = JSON.stringify(notification);
    return { body, signature: signWebhook(body, secret), id: notification.id };
  });
  const redeliveries = signed.slice(0, duplicates);
  const forgeries = Array.from({ length: forged }, () => {
    const body = JSON.stringify(notificationFixture({ id: `notif_${randomUUID()}` }));
    return { body, signature: signWebhook(body, 'not-the-secret'), id: 'forged' };
  });
  return [...signed, ...redeliveries, ...forgeries];
}
