import type { CompanyWrite } from '@relay/intercom';
import { type CompanyInput, type CompanyUpsertJob, payloadHash } from '@relay/jobs';
import type { ProcessorDeps } from './deps.ts';
import type { JobContext } from './job-context.ts';
import { lockRecord } from './record-lock.ts';

export type CompanyUpsertResult = {
  intercomId: string | null;
  action: 'upserted' | 'unchanged' | 'none';
};

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
  const companyId = job.company.company_id;
  const owner = context.jobId;
  const { pending, pendingSeq, intercomId, syncedHash } = await lockRecord(
    deps.companies,
    companyId,
    owner,
    'company',
  );
  if (!pending || !pendingSeq) {
    await deps.companies.unlock(companyId, owner);
    return { intercomId: intercomId ?? null, action: 'none' };
  }
  const body = toCompanyWrite(pending);
  const hash = payloadHash(body);
  if (intercomId && syncedHash === hash) {
    await deps.companies.finish(companyId, owner, pendingSeq);
    return { intercomId, action: 'unchanged' };
  }
  let saved: { id: string };
  try {
    saved = await deps.intercom.upsertCompany(body);
  } catch (error) {
    await deps.companies.unlock(companyId, owner);
    throw error;
  }
  await deps.companies.finish(companyId, owner, pendingSeq, saved.id, hash);
  return { intercomId: saved.id, action: 'upserted' };
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
