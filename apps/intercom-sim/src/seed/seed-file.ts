/** A contact in a seed: a create body, optionally with its id, creation time and relations. */
export type SeedContact = Record<string, unknown> & {
  id?: string;
  created_at?: number;
  /** `company_id`s of seeded companies the contact belongs to. */
  companies?: string[];
  /** Names of tags on the contact (created if the seed does not list them). */
  tags?: string[];
};

/** A company in a seed: a `POST /companies` body (`company_id` required). */
type SeedCompany = Record<string, unknown> & { company_id: string };

export type SeedState = { contacts: SeedContact[]; companies: SeedCompany[]; tags: string[] };

/**
 * A `--seed` fixture: `[…contacts]`, or `{ "contacts": […], "companies": […], "tags": […] }`
 * with every key optional. Throws on a shape it cannot use.
 */
export function parseSeedFile(json: unknown): SeedState {
  if (Array.isArray(json)) return { contacts: json as SeedContact[], companies: [], tags: [] };
  if (typeof json !== 'object' || json === null) {
    throw new Error('seed file must hold an array of contacts or an object');
  }
  const { contacts = [], companies = [], tags = [] } = json as Record<string, unknown>;
  const problems = [
    Array.isArray(contacts) ? '' : 'contacts must be an array',
    Array.isArray(companies) ? '' : 'companies must be an array',
    Array.isArray(tags) && tags.every((t) => typeof t === 'string')
      ? ''
      : 'tags must be an array of names',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`seed file: ${problems.join('; ')}`);
  return {
    contacts: contacts as SeedContact[],
    companies: companies as SeedCompany[],
    tags: tags as string[],
  };
}
