import { isAppError } from '@relay/errors';
import type { ContactsWarmJob } from '@relay/jobs';
import type { ProcessorDeps } from './deps.ts';

export type ContactsWarmResult = { warmed: number; missing: number };

/**
 * Loads contacts into the read cache (the CRM's list of who it will read soon), one call
 * each: by the id map, else by external_id. Runs in the backfill lane, on spare budget.
 * A run cut short does the whole list again; loading a copy twice changes nothing.
 */
export async function contactsWarm(
  job: ContactsWarmJob,
  deps: ProcessorDeps,
): Promise<ContactsWarmResult> {
  let warmed = 0;
  let missing = 0;
  for (const externalId of job.externalIds) {
    const mapped = await deps.contacts.intercomId(externalId);
    let contact = mapped ? await getIfThere(mapped, deps) : undefined;
    contact ??= await deps.intercom.findContactByExternalId(externalId);
    if (!contact) {
      missing += 1;
      continue;
    }
    await deps.contacts.rememberId(externalId, contact.id);
    await deps.contactCache.put(externalId, contact);
    warmed += 1;
  }
  return { warmed, missing };
}

async function getIfThere(id: string, deps: ProcessorDeps) {
  try {
    return await deps.intercom.getContact(id);
  } catch (error) {
    if (isAppError(error) && error.status === 404) return undefined;
    throw error;
  }
}
