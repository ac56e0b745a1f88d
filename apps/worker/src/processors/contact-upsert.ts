import { isAppError } from '@relay/errors';
import type { ContactWrite, IntercomClient } from '@relay/intercom';
import type { ContactInput, ContactUpsertJob } from '@relay/jobs';

export type ContactUpsertDeps = { intercom: IntercomClient };

export type ContactUpsertResult = { intercomId: string; action: 'created' | 'updated' };

const CONFLICT_ID = /already exists with id=([0-9a-zA-Z]+)/;

/**
 * Upserts by external_id, so running it twice changes nothing: create directly (search lags
 * writes by minutes, so search-then-create races); on 409 take the existing id from the
 * message and update it.
 */
export async function contactUpsert(
  job: ContactUpsertJob,
  deps: ContactUpsertDeps,
): Promise<ContactUpsertResult> {
  const body = toContactWrite(job.contact);
  try {
    const created = await deps.intercom.createContact(body);
    return { intercomId: created.id, action: 'created' };
  } catch (error) {
    const existingId =
      isAppError(error) && error.status === 409 ? conflictId(error.message) : undefined;
    if (!existingId) throw error;
    const { external_id: _immutable, ...changes } = body;
    const updated = await deps.intercom.updateContact(existingId, changes);
    return { intercomId: updated.id, action: 'updated' };
  }
}

export function conflictId(message: string): string | undefined {
  return CONFLICT_ID.exec(message)?.[1];
}

function toContactWrite(contact: ContactInput): ContactWrite {
  const body: ContactWrite = { external_id: contact.external_id };
  if (contact.role !== undefined) body.role = contact.role;
  if (contact.email !== undefined) body.email = contact.email;
  if (contact.phone !== undefined) body.phone = contact.phone;
  if (contact.name !== undefined) body.name = contact.name;
  if (contact.custom_attributes !== undefined) body.custom_attributes = contact.custom_attributes;
  return body;
}
