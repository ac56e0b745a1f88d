import type { CompanyWrite } from '@relay/intercom';
import type { CompanyInput, CompanyUpsertJob } from '@relay/jobs';
import type { RunContext as JobContext } from '@relay/sync';
import { payloadHash, type SyncOutcome, syncLatest } from '@relay/sync';
import type { ProcessorDeps } from './deps.ts';

export type CompanyUpsertResult = SyncOutcome<'upserted'>;

/**
 * Brings Intercom to the company's latest pending data: `POST /companies` creates it or
 * updates the one with this company_id, so running it twice changes nothing. No call when
 * nothing is pending or the data is what was synced last; its Intercom id is kept for
 * attaching contacts.
 */
export async function companyUpsert(
  job: CompanyUpsertJob,
  deps: ProcessorDeps,
  context: JobContext,
): Promise<CompanyUpsertResult> {
  return syncLatest(
    {
      state: deps.companies,
      crmId: job.company.company_id,
      job: context,
      what: 'company',
      intercom: deps.intercom,
    },
    (pending) => payloadHash(toCompanyWrite(pending)),
    async (pending, _knownId, run) => {
      const saved = await run.intercom.upsertCompany(toCompanyWrite(pending));
      return { intercomId: saved.id, action: 'upserted' as const };
    },
  );
}

function toCompanyWrite(company: CompanyInput): CompanyWrite {
  const body: CompanyWrite = { company_id: company.company_id };
  for (const field of [
    'name',
    'plan',
    'website',
    'industry',
    'size',
    'monthly_spend',
    'remote_created_at',
    'custom_attributes',
  ] as const) {
    if (company[field] !== undefined) (body as Record<string, unknown>)[field] = company[field];
  }
  return body;
}
