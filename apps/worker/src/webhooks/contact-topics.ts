import type { ProcessorDeps } from '../processors/deps.ts';
import { refOf } from './item.ts';

const CHANGED = /^contact\.(user|lead)\.(created|updated|signed_up)$/;

/**
 * Keeps the external_id → Intercom id map and the contact cache in step with Intercom (no
 * call: the item is the contact). A deleted contact is forgotten, and a merged-away lead's mapping goes: both only
 * when the map still points at that contact, so a late notification cannot undo a newer one;
 * both are marked gone in the cache, so a late notification of them caches nothing.
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
      await remember(contact.external_id, item as { id: string }, deps);
    }
    return true;
  }
  if (topic === 'contact.deleted') {
    if (contact.external_id) {
      await deps.contactCache.drop(contact.external_id, contact.id);
      await forgetIfMapped(contact.external_id, contact.id, deps);
    }
    return true;
  }
  if (topic === 'contact.merged') {
    const { merged_from: mergedFrom, ...survivor } = item as { merged_from?: unknown };
    if (contact.id && contact.external_id) {
      await remember(contact.external_id, survivor as { id: string }, deps);
    }
    const from = refOf(mergedFrom);
    if (from.external_id && from.external_id !== contact.external_id) {
      await deps.contactCache.drop(from.external_id, from.id);
      await forgetIfMapped(from.external_id, from.id, deps);
    }
    return true;
  }
  return topic === 'contact.archived' || topic.startsWith('contact.tag.');
}

/**
 * Maps and caches the contact a notification describes, unless Intercom no longer has it
 * (deleted, erased, merged away: the cache refuses the copy): a late notification, e.g. one
 * redelivered or queued behind an erasure, then leaves no mapping or data behind. The map is
 * written first, so an erasure that runs in between purges it or sees it forgotten here.
 */
async function remember(externalId: string, contact: { id: string }, deps: ProcessorDeps) {
  await deps.contacts.rememberId(externalId, contact.id);
  if (!(await deps.contactCache.put(externalId, contact))) {
    await forgetIfMapped(externalId, contact.id, deps);
  }
}

async function forgetIfMapped(externalId: string, id: string | undefined, deps: ProcessorDeps) {
  const mapped = await deps.contacts.intercomId(externalId);
  if (mapped !== undefined && (id === undefined || mapped === id)) {
    await deps.contacts.forgetId(externalId);
  }
}
