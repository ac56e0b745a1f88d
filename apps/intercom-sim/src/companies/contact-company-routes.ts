import type { FastifyInstance } from 'fastify';
import { contactView } from '../contacts/contact-view.ts';
import { parameterNotFound } from '../http/intercom-error.ts';
import { type PageQuery, pageList } from '../http/page-list.ts';
import type { SimulatorState } from '../state.ts';

type ContactParams = { Params: { contact_id: string } };
type ContactCompanyParams = { Params: { contact_id: string; company_id: string } };

/** Attaching contacts to companies, and listing either side. */
export function registerContactCompanyRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { contacts, companies, companyView } = state;

  app.post<ContactParams>('/contacts/:contact_id/companies', async (request) => {
    const body = (request.body ?? {}) as { id?: unknown };
    if (typeof body.id !== 'string' || body.id === '')
      throw parameterNotFound('company not specified');
    const contact = contacts.require(request.params.contact_id);
    const company = companies.require(body.id);
    state.contactLinks.attach(contact, companyView(company));
    return companyView(company);
  });

  app.delete<ContactCompanyParams>(
    '/contacts/:contact_id/companies/:company_id',
    async (request) => {
      const contact = contacts.require(request.params.contact_id);
      const company = companies.require(request.params.company_id);
      state.contactLinks.detach(contact, companyView(company));
      return companyView(company);
    },
  );

  app.get<ContactParams & { Querystring: PageQuery }>(
    '/contacts/:contact_id/companies',
    async (request) => {
      const contact = contacts.require(request.params.contact_id);
      const attached = contact.company_ids.flatMap((id) => {
        const company = companies.get(id);
        return company ? [companyView(company)] : [];
      });
      // The spec's `contact_attached_companies` names the items `companies`, not `data`; the
      // SDK pages with `?page=` until a page comes back empty.
      const { data, ...page } = pageList(attached, request.query, 50);
      return { ...page, companies: data };
    },
  );

  app.get<{ Params: { company_id: string } }>(
    '/companies/:company_id/contacts',
    async (request) => {
      const company = companies.require(request.params.company_id);
      const data = [...state.companyMembers.contactIds(company.id)].flatMap((id) => {
        const contact = contacts.get(id);
        return contact ? [contactView(contact)] : [];
      });
      const pages = { type: 'pages', page: 1, per_page: 50, total_pages: data.length > 0 ? 1 : 0 };
      return { type: 'list', data, total_count: data.length, pages };
    },
  );
}
