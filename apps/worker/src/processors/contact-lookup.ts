import type { ProcessorDeps } from './deps.ts';

/**
 * The Intercom id of the contact with this external_id: the one already known (the caller's
 * locked state), else the id map, else Intercom's lookup; undefined when Intercom has none.
 */
export async function contactIdOf(
  externalId: string,
  deps: ProcessorDeps,
  known?: string,
): Promise<string | undefined> {
  return (
    known ??
    (await deps.contacts.intercomId(externalId)) ??
    (await deps.intercom.findContactByExternalId(externalId))?.id
  );
}
