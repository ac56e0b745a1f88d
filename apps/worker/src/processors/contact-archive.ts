import { AppError } from '@relay/errors';
import type { ContactArchiveJob } from '@relay/jobs';
import { contactIdOf } from './contact-lookup.ts';
import type { ProcessorDeps } from './deps.ts';

export type ContactArchiveResult = { intercomId: string; archived: boolean };

/**
 * Archives or unarchives a contact (by external_id). Both are idempotent at Intercom, so a
 * re-run changes nothing. A contact Intercom does not have fails the job at once.
 */
export async function contactArchive(
  job: ContactArchiveJob,
  deps: ProcessorDeps,
): Promise<ContactArchiveResult> {
  const { externalId, archived } = job;
  const id = await contactIdOf(externalId, deps);
  if (!id) {
    throw new AppError('INTERCOM_REJECTED', 'no Intercom contact has this external_id', {
      status: 404,
    });
  }
  await (archived ? deps.intercom.archiveContact(id) : deps.intercom.unarchiveContact(id));
  await deps.contactCache.drop(externalId);
  return { intercomId: id, archived };
}
