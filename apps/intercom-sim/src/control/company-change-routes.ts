import type { FastifyInstance } from 'fastify';
import { parseCompanyInput } from '../companies/company-input.ts';
import type { SimulatorState } from '../state.ts';
import { pickFields, requiredString } from './change-input.ts';
import { controlErrorHandling } from './control-errors.ts';

type CompanyParams = { Params: { company_id: string } };

const editable = [
  'name',
  'plan',
  'size',
  'website',
  'industry',
  'monthly_spend',
  'custom_attributes',
];

/**
 * A teammate or another app creates, renames or deletes a company (`company.created`,
 * `company.updated`, `company.deleted`), through the API's store.
 */
export function registerCompanyChangeRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { companies, companyView } = state;
  const options = controlErrorHandling;

  /** Create-or-update by the client's `company_id`, like `POST /companies`. */
  app.post('/__sim/changes/companies', options, async (request) => {
    const body = pickFields(request.body ?? {}, ['company_id', ...editable]);
    const companyId = requiredString(body, 'company_id');
    const { patch } = parseCompanyInput(body);
    state.dataAttributes.checkWrite('company', patch.custom_attributes);
    return companyView(companies.upsert(companyId, patch));
  });

  /** By Intercom id; `company_id` cannot change (it is immutable on Intercom). */
  app.patch<CompanyParams>('/__sim/changes/companies/:company_id', options, async (request) => {
    const { patch } = parseCompanyInput(pickFields(request.body ?? {}, editable, true));
    state.dataAttributes.checkWrite('company', patch.custom_attributes);
    return companyView(companies.update(request.params.company_id, patch));
  });

  app.delete<CompanyParams>('/__sim/changes/companies/:company_id', options, async (request) => {
    const company = companies.require(request.params.company_id);
    state.detachAllContacts(company);
    companies.delete(company.id);
    return { id: company.id, object: 'company', deleted: true };
  });
}
