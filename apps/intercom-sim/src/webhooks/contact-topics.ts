import type { ContactChange } from '../contacts/contact-store.ts';
import { contactReference, contactView } from '../contacts/contact-view.ts';

/** The webhook topic and item Intercom sends for a contact write. */
export function contactNotification(
  change: ContactChange,
  nowSeconds: number,
): { topic: string; item: unknown } {
  const { contact } = change;
  switch (change.kind) {
    case 'created':
      return { topic: `contact.${contact.role}.created`, item: contactView(contact) };
    case 'updated':
    case 'unarchived':
      return { topic: `contact.${contact.role}.updated`, item: contactView(contact) };
    case 'archived':
      return { topic: 'contact.archived', item: contactReference(contact) };
    case 'deleted':
      return { topic: 'contact.deleted', item: contactReference(contact) };
    case 'merged':
      return {
        topic: 'contact.merged',
        item: { ...contactView(contact), merged_from: contactReference(change.from) },
      };
    case 'tagged':
    case 'untagged':
      return {
        topic: change.kind === 'tagged' ? 'contact.tag.created' : 'contact.tag.deleted',
        item: {
          type: 'contact_tag',
          created_at: nowSeconds,
          contact: contactView(contact),
          tag: change.tag,
        },
      };
    case 'company_attached':
    case 'company_detached':
      return {
        topic: `company.contact.${change.kind === 'company_attached' ? 'attached' : 'detached'}`,
        item: {
          type: 'contact_company',
          created_at: nowSeconds,
          contact: contactView(contact),
          company: change.company,
        },
      };
  }
}
