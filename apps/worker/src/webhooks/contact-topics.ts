import type { ProcessorDeps } from '../processors/deps.ts';
import { refOf } from './item.ts';

const CHANGED = /^contact\.(user|lead)\.(created|updated|signed_up)$/;

/**
 * Keeps the external_id → Intercom id map and the contact cache in step with Intercom (no
 * call: the item is the contact). A deleted contact is forgotten, and a merged-away lead's mapping goes: both only
 * when the map still points at that contact, so a late notification cannot undo a newer one.
 * Returns false for a topic of the family it does not act on.
 */
export async function handleContactTopic(
  topic: string,
  item: unknown,
  deps: ProcessorDeps,
): Promise<boolean> {
  const contact = refOf(item);
  if (CHANGED.test(topic)) {
    if (contact.id && contact.external_id) {
      await deps.contacts.rememberId(contact.external_id, contact.id);
      await deps.contactCache.put(contact.external_id, item as { id: string });
    }
    return true;
  }
  if (topic === 'contact.deleted') {
    if (contact.external_id) {
      await forgetIfMapped(contact.external_id, contact.id, deps);
      await deps.contactCache.drop(contact.external_id);
    }
    return true;
  }
  if (topic === 'contact.merged') {
    const { merged_from: mergedFrom, ...survivor } = item as { merged_from?: unknown };
    if (contact.id && contact.external_id) {
      await deps.contacts.rememberId(contact.external_id, contact.id);
      await deps.contactCache.put(contact.external_id, survivor as { id: string });
    }
    const from = refOf(mergedFrom);
    if (from.external_id && from.external_id !== contact.external_id) {
      await forgetIfMapped(from.external_id, from.id, deps);
      await deps.contactCache.drop(from.external_id);
    }
    return true;
  }
  return topic === 'contact.archived' || topic.startsWith('contact.tag.');
}

async function forgetIfMapped(externalId: string, id: string | undefined, deps: ProcessorDeps) {
  const mapped = await deps.contacts.intercomId(externalId);
  if (mapped !== undefined && (id === undefined || mapped === id)) {
    await deps.contacts.forgetId(externalId);
  }
}
