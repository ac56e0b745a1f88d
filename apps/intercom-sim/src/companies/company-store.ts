import { IntercomHttpError } from '../http/intercom-error.ts';
import { type CompanyFields, type CompanyRecord, emptyCompanyFields } from './company-record.ts';

export type CompanyChange = { kind: 'created' | 'updated' | 'deleted'; company: CompanyRecord };

export type CompanyStoreDeps = {
  now: () => number;
  newId: () => string;
  onChange: (change: CompanyChange) => void;
};

export function companyNotFound(): IntercomHttpError {
  return new IntercomHttpError(404, 'company_not_found', 'Company Not Found');
}

/** Companies by Intercom id, looked up by the client's `company_id` for create-or-update. */
export function createCompanyStore(deps: CompanyStoreDeps) {
  const companies = new Map<string, CompanyRecord>();
  const idByCompanyId = new Map<string, string>();
  let seq = 0;
  const nowSeconds = () => Math.floor(deps.now() / 1000);

  function require(id: string): CompanyRecord {
    const company = companies.get(id);
    if (!company) throw companyNotFound();
    return company;
  }

  function update(previous: CompanyRecord, patch: Partial<CompanyFields>): CompanyRecord {
    const custom = patch.custom_attributes;
    const company: CompanyRecord = {
      ...previous,
      ...patch,
      custom_attributes: custom
        ? { ...previous.custom_attributes, ...custom }
        : previous.custom_attributes,
      updated_at: nowSeconds(),
    };
    companies.set(company.id, company);
    deps.onChange({ kind: 'updated', company });
    return company;
  }

  return {
    get: (id: string) => companies.get(id),
    require,
    findByCompanyId(companyId: string) {
      const id = idByCompanyId.get(companyId);
      return id ? companies.get(id) : undefined;
    },
    all: () => companies.values(),

    /** `POST /companies`: updates the company with this `company_id`, else creates it. */
    upsert(companyId: string, patch: Partial<CompanyFields>): CompanyRecord {
      const existingId = idByCompanyId.get(companyId);
      const existing = existingId ? companies.get(existingId) : undefined;
      if (existing) return update(existing, patch);
      const at = nowSeconds();
      const company: CompanyRecord = {
        ...emptyCompanyFields,
        ...patch,
        seq: ++seq,
        id: deps.newId(),
        company_id: companyId,
        created_at: at,
        updated_at: at,
      };
      companies.set(company.id, company);
      idByCompanyId.set(companyId, company.id);
      deps.onChange({ kind: 'created', company });
      return company;
    },

    update: (id: string, patch: Partial<CompanyFields>) => update(require(id), patch),

    delete(id: string): CompanyRecord {
      const company = require(id);
      companies.delete(id);
      idByCompanyId.delete(company.company_id);
      deps.onChange({ kind: 'deleted', company });
      return company;
    },

    clear() {
      companies.clear();
      idByCompanyId.clear();
      seq = 0;
    },
  };
}

export type CompanyStore = ReturnType<typeof createCompanyStore>;
