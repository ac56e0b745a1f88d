import { isAppError } from '@relay/errors';
import type { IntercomContact } from '@relay/intercom';
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

/**
 * For an erasure, which cannot be undone: the id the relay knows is checked against Intercom
 * first, and used only if that contact carries this external_id (or none: it holds what the
 * relay wrote for this record). A mapping made before identity conflicts were caught
 * (invariant 9) may name another record's contact; then Intercom's lookup decides.
 */
export async function ownContactIdOf(
  externalId: string,
  deps: ProcessorDeps,
  known?: string,
): Promise<string | undefined> {
  const mapped = known ?? (await deps.contacts.intercomId(externalId));
  if (mapped) {
    const contact = await contactOrUndefined(mapped, deps);
    const owner = contact?.external_id ?? null;
    if (contact && (owner === null || owner === externalId)) return mapped;
  }
  return (await deps.intercom.findContactByExternalId(externalId))?.id;
}

/** The contact with this Intercom id, or undefined when Intercom has none (404). */
export async function contactOrUndefined(
  id: string,
  deps: ProcessorDeps,
): Promise<IntercomContact | undefined> {
  try {
    return await deps.intercom.getContact(id);
  } catch (error) {
    if (isAppError(error) && error.status === 404) return undefined;
    throw error;
  }
}
