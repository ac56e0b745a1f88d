import { companyWriteFields, contactWriteFields } from './fed-fields.ts';
import type { FeedLookups } from './feed-lookups.ts';
import { LIFECYCLE } from './feed-recorder.ts';
import type { FeedStore } from './feed-store.ts';

type Write = Record<string, unknown>;

/**
 * What the sync services tell the feed before each write to Intercom, so that the
 * notification the write causes is known as the relay's own (see the glossary: write ledger).
 * Noted before the call: Intercom may send the notification before the call has answered.
 */
export function createFeedWrites(store: FeedStore, lookups: FeedLookups) {
  return {
    /** A contact create (no Intercom id yet) or update. */
    contact: (target: { intercomId?: string | undefined; externalId: string }, write: Write) =>
      store.noteWrite(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        contactWriteFields(write, target.intercomId === undefined),
      ),

    /** The contact's companies become these (company_ids), with their Intercom ids. */
    async contactCompanies(
      target: { intercomId: string; externalId: string },
      companies: { companyId: string; intercomId: string }[],
    ) {
      for (const company of companies) {
        await lookups.rememberCompany(company.intercomId, company.companyId);
      }
      await store.noteWrite(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        new Map([['companies', companies.map((company) => company.companyId)]]),
      );
    },

    company: (target: { intercomId?: string | undefined; companyId: string }, write: Write) =>
      store.noteWrite(
        'company',
        { intercomId: target.intercomId, crmId: target.companyId },
        companyWriteFields(write),
      ),

    archived: (target: { intercomId: string; externalId: string }, archived: boolean) =>
      store.noteWrite(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        new Map([[LIFECYCLE.archived, archived]]),
      ),

    /** A lead the relay merges away. */
    merged: (target: { intercomId: string; externalId: string }) =>
      store.noteWrite(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        new Map([[LIFECYCLE.gone, 'merged']]),
      ),
  };
}

export type FeedWrites = ReturnType<typeof createFeedWrites>;
