import { companyWriteFields, contactWriteFields, type FedObject } from './fed-fields.ts';
import type { FeedLookups } from './feed-lookups.ts';
import { LIFECYCLE } from './feed-recorder.ts';
import type { FeedStore, LedgerNote } from './feed-store.ts';

type Write = Record<string, unknown>;
type Target = { intercomId?: string | undefined; crmId: string };

/**
 * What the sync services tell the feed before each write to Intercom, so that the
 * notification the write causes is known as the relay's own (see the glossary: write ledger).
 * Noted before the call: Intercom may send the notification before the call has answered.
 * `queued(queue)`: the same, but each note goes to `queue`, for a record's run to send before
 * its next write (with the run's write mark, for its first: one round trip for both).
 */
export function createFeedWrites(
  store: FeedStore,
  lookups: FeedLookups,
  send: (object: FedObject, target: Target, fields: Map<string, unknown>) => Promise<void> = (
    object,
    target,
    fields,
  ) => store.noteWrite(object, target, fields),
) {
  return {
    /** A contact create (no Intercom id yet) or update. */
    contact: (target: { intercomId?: string | undefined; externalId: string }, write: Write) =>
      send(
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
      await send(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        new Map([['companies', companies.map((company) => company.companyId)]]),
      );
    },

    company: (target: { intercomId?: string | undefined; companyId: string }, write: Write) =>
      send(
        'company',
        { intercomId: target.intercomId, crmId: target.companyId },
        companyWriteFields(write),
      ),

    archived: (target: { intercomId: string; externalId: string }, archived: boolean) =>
      send(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        new Map([[LIFECYCLE.archived, archived]]),
      ),

    /** A lead the relay merges away. */
    merged: (target: { intercomId: string; externalId: string }) =>
      send(
        'contact',
        { intercomId: target.intercomId, crmId: target.externalId },
        new Map([[LIFECYCLE.gone, 'merged']]),
      ),

    /** The same notes, queued instead of sent (see above). */
    queued: (queue: (note: LedgerNote) => void) =>
      createFeedWrites(store, lookups, async (object, target, fields) => {
        const note = store.ledgerNote(object, target, fields);
        if (note) queue(note);
      }),

    /** Sends queued notes (a run's write after its first). */
    send: (notes: readonly LedgerNote[]) => store.applyNotes(notes),
  };
}

export type FeedWrites = ReturnType<typeof createFeedWrites>;
