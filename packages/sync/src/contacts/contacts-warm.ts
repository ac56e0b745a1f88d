import type { IntercomClient } from '@relay/intercom';
import type { ContactsWarmJob } from '@relay/jobs';
import type { ContactDirectory } from './contact-directory.ts';

export type ContactsWarmDeps = { intercom: IntercomClient; directory: ContactDirectory };

export type ContactsWarmResult = { warmed: number; missing: number };

/**
 * Loads contacts into the read cache (the CRM's list of who it will read soon), one call
 * each: by the id map, else by external_id. Runs in the backfill lane, on spare budget.
 * A run cut short does the whole list again; loading a copy twice changes nothing. A contact
 * Intercom no longer has (found by a lagging search) is left out, as the directory rules.
 */
export async function contactsWarm(
  job: ContactsWarmJob,
  deps: ContactsWarmDeps,
): Promise<ContactsWarmResult> {
  let warmed = 0;
  let missing = 0;
  for (const externalId of job.externalIds) {
    const contact = await deps.directory.lookUp(externalId, deps.intercom);
    if (contact && (await deps.directory.learn(externalId, contact))) warmed += 1;
    else missing += 1;
  }
  return { warmed, missing };
}
