import type { IntercomClient } from '@relay/intercom';
import type { ContactEraseJob } from '@relay/jobs';
import type { ContactDirectory } from '../contacts/contact-directory.ts';
import type { ContactState } from '../records/record-state.ts';
import type { RunContext } from '../records/run-context.ts';
import { lockRecord } from '../records/sync-latest.ts';
import type { ErasureAudit } from './erasure-audit.ts';

export type ContactEraseDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  directory: ContactDirectory;
  /** Removes every job that carries the contact's data, in any lane; how many went. */
  removeQueuedJobs: (externalId: string) => Promise<number>;
  /** Appends the erasure's audit record. */
  recordErasure: (entry: ErasureAudit) => Promise<void>;
  /** Removes the contact from the change feed and records `contact.erased` (ids only). */
  feedErase?: ((intercomId: string | undefined, externalId: string) => Promise<number>) | undefined;
};

export type ContactEraseResult = Pick<
  ErasureAudit,
  'outcome' | 'intercomRequestId' | 'jobsRemoved'
>;

/**
 * GDPR erasure of one contact. Holding the contact's lock (no job of the contact runs
 * meanwhile): find its Intercom id (the id map, checked against Intercom, else a lookup by
 * external_id), delete it at
 * Intercom (a 404 counts as done), remove every job that carries its data in any lane with
 * its deduplication keys and stored follow-ups, drop its cached copy (marking the contact
 * gone, so no late copy is cached again), purge its sync state (pending data, id map, hash,
 * lock), and append the audit record. Each step is safe to repeat, so a retry finishes
 * what a failed attempt started.
 */
export async function contactErase(
  job: ContactEraseJob,
  deps: ContactEraseDeps,
  context: RunContext,
): Promise<ContactEraseResult> {
  const { externalId } = job;
  const state = await lockRecord(deps.contacts, externalId, context, 'contact');
  const intercomId = await deps.directory.resolveOwn(externalId, deps.intercom, state.intercomId);
  const deleted = intercomId ? await deps.intercom.deleteContact(intercomId) : { found: false };
  const jobsRemoved = await deps.removeQueuedJobs(externalId);
  // Gone before its state is purged: a webhook job of the contact that runs meanwhile or
  // later (the erasure lane overtakes the webhook lane; Intercom redelivers) can then neither
  // cache its data nor keep a mapping to it.
  await deps.directory.gone(externalId, intercomId);
  await deps.contacts.purge(externalId);
  await deps.feedErase?.(intercomId, externalId);
  const result: ContactEraseResult = {
    outcome: deleted.found ? 'deleted' : 'not_found',
    jobsRemoved,
    ...('requestId' in deleted && deleted.requestId
      ? { intercomRequestId: deleted.requestId }
      : {}),
  };
  await deps.recordErasure({
    at: new Date().toISOString(),
    externalId,
    jobId: context.jobId,
    ...result,
  });
  return result;
}
