import type { CompanyState } from '../records/record-state.ts';
import { refOf } from './item.ts';

/** Keeps the company_id → Intercom id map in step with Intercom. */
export async function handleCompanyTopic(
  topic: string,
  item: unknown,
  deps: { companies: CompanyState },
): Promise<boolean> {
  const company = refOf(item);
  if (topic === 'company.created' || topic === 'company.updated') {
    if (company.id && company.company_id) {
      await deps.companies.rememberId(company.company_id, company.id);
    }
    return true;
  }
  if (topic === 'company.deleted') {
    if (company.company_id) {
      const mapped = await deps.companies.intercomId(company.company_id);
      if (mapped !== undefined && (company.id === undefined || mapped === company.id)) {
        await deps.companies.forgetId(company.company_id);
      }
    }
    return true;
  }
  return topic.startsWith('company.contact.');
}
