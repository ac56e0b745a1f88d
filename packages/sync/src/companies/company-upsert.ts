import type { CompanyWrite, IntercomClient } from '@relay/intercom';
import type { CompanyInput, CompanyUpsertJob } from '@relay/jobs';
import type { FeedWrites } from '../feed/feed-writes.ts';
import { payloadHash } from '../records/payload-hash.ts';
import type { CompanyState } from '../records/record-state.ts';
import type { RunContext } from '../records/run-context.ts';
import { type SyncOutcome, syncLatest } from '../records/sync-latest.ts';

export type CompanyUpsertDeps = {
  intercom: IntercomClient;
  companies: CompanyState;
  /** Told of each write before it is made (the change feed's echo rule). */
  feedWrites?: FeedWrites | undefined;
  /** REDIS_ACK_REPLICAS: the write mark on the replicas before the write (sync-latest.ts). */
  confirmMark?: (() => Promise<void>) | undefined;
};

export type CompanyUpsertResult = SyncOutcome<'upserted'>;

/**
 * Brings Intercom to the company's latest pending data: `POST /companies` creates it or
 * updates the one with this company_id, so running it twice changes nothing. No call when
 * nothing is pending or the data is what was synced last; its Intercom id is kept for
 * attaching contacts.
 */
export async function companyUpsert(
  job: CompanyUpsertJob,
  deps: CompanyUpsertDeps,
  context: RunContext,
): Promise<CompanyUpsertResult> {
  return syncLatest(
    {
      state: deps.companies,
      crmId: job.company.company_id,
      job: context,
      what: 'company',
      intercom: deps.intercom,
      feedWrites: deps.feedWrites,
      confirmMark: deps.confirmMark,
    },
    (pending) => payloadHash(toCompanyWrite(pending)),
    async (pending, knownId, run) => {
      const write = toCompanyWrite(pending);
      await run.feedWrites?.company({ intercomId: knownId, companyId: write.company_id }, write);
      const saved = await run.intercom.upsertCompany(write);
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
