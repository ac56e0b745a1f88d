import type { IntercomClient } from '@relay/intercom';
import type { CompaniesReconcileJob } from '@relay/jobs';
import { type ReconcileMarks, sweepWindow } from '../contacts/reconcile-marks.ts';
import type { Feed } from '../feed/feed.ts';
import type { CompanyState } from '../records/record-state.ts';

export type CompaniesReconcileDeps = {
  intercom: Pick<IntercomClient, 'scrollCompanies'>;
  companies: Pick<CompanyState, 'rememberId'>;
  reconcileMarks: ReconcileMarks;
  /** The change feed: what a webhook never told (both deliveries lost) is recorded here. */
  feed?: Pick<Feed, 'recorder' | 'lookups'> | undefined;
};

export type CompaniesReconcileResult = {
  since: number;
  /** Companies the scroll returned. */
  seen: number;
  /** Those updated since `since`, compared with what the feed knew. */
  compared: number;
  /** Changes the feed recorded that no webhook had told. */
  changes: number;
};

/**
 * The companies' safety net under webhooks (Intercom drops a notification after two failed
 * deliveries). Companies cannot be searched by updated_at, only scrolled (one scroll per app
 * at a time: INTERCOM_SCROLL_BUSY defers the job), so every company is read: the
 * company_id → Intercom id maps are kept whole, and each company updated since the last sweep
 * is compared with the feed's snapshot — a change whose notifications were lost is recorded
 * with `source: "reconciliation"`; one already recorded is not again. Runs on a slow schedule
 * in the backfill lane, so it only takes budget the other lanes leave.
 */
export async function companiesReconcile(
  _job: CompaniesReconcileJob,
  deps: CompaniesReconcileDeps,
): Promise<CompaniesReconcileResult> {
  const { since, done } = await sweepWindow(deps.reconcileMarks, 'companies');
  let seen = 0;
  let compared = 0;
  let changes = 0;
  for await (const company of deps.intercom.scrollCompanies()) {
    seen += 1;
    const companyId = typeof company.company_id === 'string' ? company.company_id : '';
    if (companyId) await deps.companies.rememberId(companyId, company.id);
    const updatedAt = company.updated_at;
    if (typeof updatedAt === 'number' && updatedAt < since) {
      if (companyId) await deps.feed?.lookups.rememberCompany(company.id, companyId);
      continue;
    }
    compared += 1;
    // The recorder remembers its company_id too (the contacts' company lists name it so).
    const recorded = await deps.feed?.recorder.company(company, 'reconciliation');
    if (recorded?.outcome === 'change') changes += 1;
  }
  await done();
  return { since, seen, compared, changes };
}
