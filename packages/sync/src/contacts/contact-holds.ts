import type { ContactWrite, IntercomContact } from '@relay/intercom';

/**
 * Whether Intercom's contact already holds every field of the write (custom attributes one
 * by one; unset and null are the same). A job that runs again after its create reached
 * Intercom (its worker died, or the answer was garbled) meets a 409 for its own contact:
 * when the contact holds the data, a second write would change nothing but `updated_at` and
 * send Intercom's `contact.*.updated` webhook once more.
 */
export function contactHolds(contact: IntercomContact, write: ContactWrite): boolean {
  const fields = ['role', 'email', 'phone', 'name'] as const;
  for (const field of fields) {
    if (write[field] !== undefined && write[field] !== (contact[field] ?? null)) return false;
  }
  const held = contact.custom_attributes ?? {};
  return Object.entries(write.custom_attributes ?? {}).every(
    ([name, value]) => (held[name] ?? null) === value,
  );
}
