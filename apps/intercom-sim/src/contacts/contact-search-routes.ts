import type { FastifyInstance } from 'fastify';
import { parameterInvalid } from '../http/intercom-error.ts';
import { parsePageRequest, searchPage } from '../search/search-page.ts';
import { compileQuery } from '../search/search-query.ts';
import type { SimulatorState } from '../state.ts';
import type { ContactRecord } from './contact-record.ts';
import { contactSearchFields } from './contact-search-fields.ts';
import { contactView } from './contact-view.ts';

const contactPageLimits = { defaultPerPage: 50, maxPerPage: 150 };

type ListQuery = { per_page?: string; starting_after?: string };

/**
 * `POST /contacts/search` over the lagging search index, and `GET /contacts` over the store
 * (listing does not lag). Archived contacts appear in neither.
 */
export function registerContactSearchRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.get<{ Querystring: ListQuery }>('/contacts', async (request) => {
    const { per_page, starting_after } = request.query;
    const pagination = {
      per_page: per_page === undefined ? undefined : Number(per_page),
      starting_after,
    };
    const pageRequest = parsePageRequest({ pagination }, contactPageLimits);
    const active = (contact: ContactRecord) => !contact.archived;
    const page = searchPage(state.contacts.all(), active, pageRequest, contactSearchFields);
    return { type: 'list', ...page, data: page.data.map(contactView) };
  });

  app.post('/contacts/search', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || body.query === undefined) {
      throw parameterInvalid('query is required');
    }
    const matches = compileQuery(body.query, contactSearchFields);
    const pageRequest = parsePageRequest(body, contactPageLimits);
    const page = searchPage(state.contactIndex.items(), matches, pageRequest, contactSearchFields);
    return { type: 'list', ...page, data: page.data.map(contactView) };
  });
}
