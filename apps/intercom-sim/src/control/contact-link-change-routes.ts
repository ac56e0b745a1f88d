import type { FastifyInstance } from 'fastify';
import { companyNotFound } from '../companies/company-store.ts';
import { contactView } from '../contacts/contact-view.ts';
import type { SimulatorState } from '../state.ts';
import { tagNotFound } from '../tags/tag-store.ts';
import { tagView } from '../tags/tag-view.ts';
import { requiredString } from './change-input.ts';
import { controlErrorHandling } from './control-errors.ts';

type ContactParams = { Params: { contact_id: string } };
type ContactTagParams = { Params: { contact_id: string; name: string } };
type ContactCompanyParams = { Params: { contact_id: string; company_id: string } };

/**
 * A teammate tags a contact (by tag name, creating the tag if needed) or attaches it to a
 * company: `contact.tag.created|deleted`, `company.contact.attached|detached`. Each answers
 * the contact as it is afterwards; doing it twice changes and notifies nothing.
 */
export function registerContactLinkChangeRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { contacts, tags, companies, contactLinks } = state;
  const options = controlErrorHandling;

  /** A company by its Intercom id, or else by the client's `company_id`. */
  function findCompany(idOrCompanyId: string) {
    const company = companies.get(idOrCompanyId) ?? companies.findByCompanyId(idOrCompanyId);
    if (!company) throw companyNotFound();
    return state.companyView(company);
  }

  app.post<ContactParams>('/__sim/changes/contacts/:contact_id/tags', options, async (request) => {
    const contact = contacts.require(request.params.contact_id);
    const tag = tagView(tags.createOrRename(requiredString(request.body, 'name')));
    return contactView(contactLinks.tag(contact, tag));
  });

  app.delete<ContactTagParams>(
    '/__sim/changes/contacts/:contact_id/tags/:name',
    options,
    async (request) => {
      const contact = contacts.require(request.params.contact_id);
      const tag = tags.findByName(request.params.name);
      if (!tag) throw tagNotFound();
      return contactView(contactLinks.untag(contact, tagView(tag)));
    },
  );

  app.post<ContactParams>(
    '/__sim/changes/contacts/:contact_id/companies',
    options,
    async (request) => {
      const contact = contacts.require(request.params.contact_id);
      const company = findCompany(requiredString(request.body, 'company_id'));
      return contactView(contactLinks.attach(contact, company));
    },
  );

  app.delete<ContactCompanyParams>(
    '/__sim/changes/contacts/:contact_id/companies/:company_id',
    options,
    async (request) => {
      const contact = contacts.require(request.params.contact_id);
      const company = findCompany(request.params.company_id);
      return contactView(contactLinks.detach(contact, company));
    },
  );
}
