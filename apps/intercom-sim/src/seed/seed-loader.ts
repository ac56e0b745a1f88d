import { parseCompanyInput } from '../companies/company-input.ts';
import type { CompanyStore } from '../companies/company-store.ts';
import { parseContactPatch } from '../contacts/contact-input.ts';
import type { ContactStore } from '../contacts/contact-store.ts';
import { parameterInvalid } from '../http/intercom-error.ts';
import type { TagStore } from '../tags/tag-store.ts';
import type { SeedState } from './seed-file.ts';

type Stores = { contacts: ContactStore; companies: CompanyStore; tags: TagStore };

/**
 * Loads a seed through the stores, so it meets the API's validation: tags, then companies,
 * then contacts with their tags and companies. The caller keeps webhooks quiet meanwhile.
 * Errors name the record: `seed company 2: …`.
 */
export function loadSeed(stores: Stores, seed: SeedState): void {
  for (const name of seed.tags) stores.tags.createOrRename(name);
  for (const [index, body] of seed.companies.entries()) {
    named(`seed company ${index}`, () => {
      const input = parseCompanyInput(body);
      if (!input.company_id) throw parameterInvalid('company_id is required');
      stores.companies.upsert(input.company_id, input.patch);
    });
  }
  for (const [index, seedContact] of seed.contacts.entries()) {
    named(`seed contact ${index}`, () => {
      const { id, created_at, companies = [], tags = [], ...body } = seedContact;
      if (id !== undefined && !/^[0-9a-f]{24}$/.test(id)) {
        throw parameterInvalid('id must be 24 hex chars');
      }
      const company_ids = companies.map((companyId) => {
        const company = stores.companies.findByCompanyId(companyId);
        if (!company) throw parameterInvalid(`no seeded company has company_id ${companyId}`);
        return company.id;
      });
      const tag_ids = tags.map((name) => stores.tags.createOrRename(name).id);
      stores.contacts.create(parseContactPatch(body), { id, created_at, company_ids, tag_ids });
    });
  }
}

function named(what: string, load: () => void) {
  try {
    load();
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
  }
}
