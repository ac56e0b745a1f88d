import type { WebhookProcessJob } from '@relay/jobs';
import type { ContactUpsertDeps } from './contact-upsert.ts';

export type WebhookProcessResult = { topic: string; handled: boolean };

const CONTACT_CHANGED = /^contact\.(user|lead)\.(created|updated|signed_up)$/;

/**
 * Routes a stored Intercom notification by topic. `ping` is acknowledged. A contact created
 * or updated in Intercom is read back (the notification may be stale by the time it runs) and
 * its external_id → Intercom id mapping remembered, so the next CRM update is one call.
 * The other topic handlers (cache, erasure, conversation sink) arrive with the sync domain.
 */
export async function webhookProcess(
  job: WebhookProcessJob,
  deps: ContactUpsertDeps,
): Promise<WebhookProcessResult> {
  const { topic, data } = job.notification;
  if (topic === 'ping') return { topic, handled: true };
  const item = data?.item as { id?: unknown } | undefined;
  if (CONTACT_CHANGED.test(topic) && typeof item?.id === 'string') {
    const contact = await deps.intercom.getContact(item.id);
    if (contact.external_id) await deps.contacts.rememberId(contact.external_id, contact.id);
    return { topic, handled: true };
  }
  return { topic, handled: false };
}
