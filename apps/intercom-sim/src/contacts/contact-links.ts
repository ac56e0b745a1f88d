import type { CompanyView } from '../companies/company-view.ts';
import type { TagView } from '../tags/tag-view.ts';
import type { ContactRecord } from './contact-record.ts';
import type { ContactStore } from './contact-store.ts';

/**
 * Tagging a contact and attaching it to a company, as contact writes that notify
 * (`contact.tag.*`, `company.contact.*`). Doing either twice changes nothing, so it writes
 * nothing and notifies nothing; each returns the contact as it is afterwards.
 */
export function createContactLinks(contacts: ContactStore) {
  return {
    tag(contact: ContactRecord, tag: TagView): ContactRecord {
      if (contact.tag_ids.includes(tag.id)) return contact;
      return contacts.replace(contact.id, (c) => ({ tag_ids: [...c.tag_ids, tag.id] }), {
        kind: 'tagged',
        tag,
      });
    },
    untag(contact: ContactRecord, tag: TagView): ContactRecord {
      if (!contact.tag_ids.includes(tag.id)) return contact;
      return contacts.replace(
        contact.id,
        (c) => ({ tag_ids: c.tag_ids.filter((id) => id !== tag.id) }),
        { kind: 'untagged', tag },
      );
    },
    attach(contact: ContactRecord, company: CompanyView): ContactRecord {
      if (contact.company_ids.includes(company.id)) return contact;
      return contacts.replace(
        contact.id,
        (c) => ({ company_ids: [...c.company_ids, company.id] }),
        { kind: 'company_attached', company },
      );
    },
    detach(contact: ContactRecord, company: CompanyView): ContactRecord {
      if (!contact.company_ids.includes(company.id)) return contact;
      return contacts.replace(
        contact.id,
        (c) => ({ company_ids: c.company_ids.filter((id) => id !== company.id) }),
        { kind: 'company_detached', company },
      );
    },
  };
}
