import type { WebhookProcessJob } from '@relay/jobs';
import type { ProcessorDeps } from './deps.ts';

export type WebhookProcessResult = { topic: string; handled: boolean };

const CONTACT_CHANGED = /^contact\.(user|lead)\.(created|updated|signed_up)$/;

/**
 * Routes a stored Intercom notification by topic. `ping` is acknowledged. A contact created
 * or updated in Intercom carries its id and external_id: the mapping is remembered (no call),
 * so the next CRM update of that contact is one call.
 * The other topic handlers (cache, erasure, conversation sink) arrive with the sync domain.
 */
export async function webhookProcess(
  job: WebhookProcessJob,
  deps: ProcessorDeps,
): Promise<WebhookProcessResult> {
  const { topic, data } = job.notification;
  if (topic === 'ping') return { topic, handled: true };
  const item = data?.item as { id?: unknown; external_id?: unknown } | undefined;
  if (CONTACT_CHANGED.test(topic) && typeof item?.id === 'string') {
    if (typeof item.external_id === 'string' && item.external_id !== '') {
      await deps.contacts.rememberId(item.external_id, item.id);
    }
    return { topic, handled: true };
  }
  return { topic, handled: false };
}
