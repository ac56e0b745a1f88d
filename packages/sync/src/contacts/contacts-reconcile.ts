import type { IntercomClient } from '@relay/intercom';
import type { ContactsReconcileJob } from '@relay/jobs';
import type { FeedRecorder } from '../feed/feed-recorder.ts';
import type { ContactDirectory } from './contact-directory.ts';
import { type ReconcileMarks, sweepWindow } from './reconcile-marks.ts';

export type ContactsReconcileDeps = {
  intercom: IntercomClient;
  directory: ContactDirectory;
  reconcileMarks: ReconcileMarks;
  /** The change feed: what a webhook never told (both deliveries lost) is recorded here. */
  feed?: FeedRecorder | undefined;
};

export type ContactsReconcileResult = {
  since: number;
  seen: number;
  mapped: number;
  /** Changes the feed recorded that no webhook had told. */
  changes: number;
};

const DAY_S = 86_400;

/**
 * The safety net under webhooks (Intercom drops a notification after two failed
 * deliveries): contacts updated in Intercom since the last sweep are searched for, and what a
 * webhook would have done is done — the external_id → id map and the cached copy refreshed
 * (through the directory: a contact Intercom no longer has, still in a lagging index, is not),
 * and the change feed compares each with what it knew, so a change whose notifications were
 * lost reaches the CRM (`source: "reconciliation"`; one already recorded is not again).
 * Runs on a schedule in the backfill lane, so it only takes budget the other lanes leave.
 */
export async function contactsReconcile(
  _job: ContactsReconcileJob,
  deps: ContactsReconcileDeps,
): Promise<ContactsReconcileResult> {
  const { since, done } = await sweepWindow(deps.reconcileMarks, 'contacts');
  let seen = 0;
  let mapped = 0;
  let changes = 0;
  // Intercom compares dates by the day: "> the day before" finds everything updated since
  // the start of `since`'s day; what is older than `since` is skipped here.
  for await (const contact of deps.intercom.searchContacts({
    field: 'updated_at',
    operator: '>',
    value: since - DAY_S,
  })) {
    const updatedAt = contact.updated_at;
    if (typeof updatedAt === 'number' && updatedAt < since) continue;
    seen += 1;
    if (deps.feed && (await deps.feed.contact(contact, 'reconciliation')).outcome === 'change') {
      changes += 1;
    }
    const externalId = contact.external_id;
    if (typeof externalId !== 'string' || externalId === '') continue;
    if (await deps.directory.learn(externalId, contact)) mapped += 1;
  }
  await done();
  return { since, seen, mapped, changes };
}
