import type { ContactDirectory } from '../contacts/contact-directory.ts';
import { refOf } from './item.ts';

const CHANGED = /^contact\.(user|lead)\.(created|updated|signed_up)$/;

/**
 * Keeps the contact directory in step with Intercom (no call: the item is the contact): a
 * created or updated contact is learnt, a deleted one and a merged-away lead are gone (the
 * directory's rules: a late notification can neither undo a newer mapping nor bring a gone
 * contact back). Returns false for a topic of the family it does not act on.
 */
export async function handleContactTopic(
  topic: string,
  item: unknown,
  deps: { directory: ContactDirectory },
): Promise<boolean> {
  const contact = refOf(item);
  if (CHANGED.test(topic)) {
    if (contact.id && contact.external_id) {
      await deps.directory.learn(contact.external_id, item as { id: string });
    }
    return true;
  }
  if (topic === 'contact.deleted') {
    if (contact.external_id) await deps.directory.gone(contact.external_id, contact.id);
    return true;
  }
  if (topic === 'contact.merged') {
    const { merged_from: mergedFrom, ...survivor } = item as { merged_from?: unknown };
    if (contact.id && contact.external_id) {
      await deps.directory.learn(contact.external_id, survivor as { id: string });
    }
    const from = refOf(mergedFrom);
    if (from.external_id && from.external_id !== contact.external_id) {
      await deps.directory.gone(from.external_id, from.id);
    }
    return true;
  }
  return topic === 'contact.archived' || topic.startsWith('contact.tag.');
}
