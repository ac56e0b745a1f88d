import type { FastifyInstance } from 'fastify';
import { parameterNotFound } from '../http/intercom-error.ts';
import { type PageQuery, pageList } from '../http/page-list.ts';
import type { SimulatorState } from '../state.ts';
import { parseCompanyInput } from './company-input.ts';
import { companyNotFound } from './company-store.ts';

type CompanyParams = { Params: { company_id: string } };
type RetrieveQuery = PageQuery & { company_id?: string; name?: string };
type ScrollQuery = { scroll_param?: string };

/** Create-or-update by `company_id`, read, update, delete, list, scroll. */
export function registerCompanyRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { companies, companyView } = state;

  app.post('/companies', async (request) => {
    const input = parseCompanyInput(request.body ?? {});
    if (!input.company_id) throw parameterNotFound('company_id is required');
    state.dataAttributes.checkWrite('company', input.patch.custom_attributes);
    return companyView(companies.upsert(input.company_id, input.patch));
  });

  app.get<{ Querystring: RetrieveQuery }>('/companies', async (request) => {
    const { company_id: companyId, name } = request.query;
    if (companyId !== undefined || name !== undefined) {
      const company =
        companyId !== undefined
          ? companies.findByCompanyId(companyId)
          : [...companies.all()].find((c) => c.name === name);
      if (!company) throw companyNotFound();
      // The spec answers a lookup as a list (`company_list`) holding the one company.
      return pageList([companyView(company)], {}, 15);
    }
    const all = [...companies.all()].map(companyView);
    return pageList(all, request.query, 15);
  });

  // Intercom's scroll answer: `pages` and `total_count` are always null.
  app.get<{ Querystring: ScrollQuery }>('/companies/scroll', async (request) => {
    const appId = request.sim.appId ?? '';
    const param = request.query.scroll_param;
    const scroll =
      param === undefined
        ? state.companyScrolls.start(appId)
        : { param, page: state.companyScrolls.continue(appId, param) };
    return {
      type: 'list' as const,
      data: scroll.page.map(companyView),
      pages: null,
      total_count: null,
      scroll_param: scroll.param,
    };
  });

  app.get<CompanyParams>('/companies/:company_id', async (request) =>
    companyView(companies.require(request.params.company_id)),
  );

  app.put<CompanyParams>('/companies/:company_id', async (request) => {
    const { patch } = parseCompanyInput(request.body ?? {});
    state.dataAttributes.checkWrite('company', patch.custom_attributes);
    return companyView(companies.update(request.params.company_id, patch));
  });

  app.delete<CompanyParams>('/companies/:company_id', async (request) => {
    const company = companies.require(request.params.company_id);
    state.detachAllContacts(company);
    companies.delete(company.id);
    return { id: company.id, object: 'company', deleted: true };
  });
}
