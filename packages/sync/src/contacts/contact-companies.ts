import type { IntercomClient } from '@relay/intercom';
import type { ContactInput } from '@relay/jobs';
import type { FeedWrites } from '../feed/feed-writes.ts';
import type { CompanyState, ContactState } from '../records/record-state.ts';

export type ContactCompaniesDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  companies: CompanyState;
  feedWrites?: FeedWrites | undefined;
};

/**
 * Makes the contact's companies the pushed list: attaches the new ones (creating a company
 * Intercom does not have yet, by company_id and name) and detaches the ones the CRM dropped
 * since the last sync. A push without `companies` leaves them as they are. Attaching or
 * detaching again changes nothing, so a re-run is harmless.
 */
export async function syncCompanies(
  externalId: string,
  contactId: string,
  companies: NonNullable<ContactInput['companies']>,
  deps: ContactCompaniesDeps,
): Promise<void> {
  const wanted: string[] = [];
  for (const company of companies) {
    let companyId = await deps.companies.intercomId(company.company_id);
    if (!companyId) {
      const write = company.name === undefined ? { company_id: company.company_id } : company;
      await deps.feedWrites?.company({ companyId: company.company_id }, write);
      companyId = (await deps.intercom.upsertCompany(write)).id;
      await deps.companies.rememberId(company.company_id, companyId);
    }
    wanted.push(companyId);
  }
  await deps.feedWrites?.contactCompanies(
    { intercomId: contactId, externalId },
    companies.map((company, index) => ({
      companyId: company.company_id,
      intercomId: wanted[index] ?? '',
    })),
  );
  const before = await deps.contacts.attachedCompanies(externalId);
  for (const companyId of wanted) {
    if (!before.includes(companyId))
      await deps.intercom.attachContactToCompany(contactId, companyId);
  }
  for (const companyId of before) {
    if (!wanted.includes(companyId)) {
      await deps.intercom.detachContactFromCompany(contactId, companyId);
    }
  }
  await deps.contacts.setAttachedCompanies(externalId, wanted);
}
