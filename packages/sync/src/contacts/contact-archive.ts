import { AppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import type { ContactArchiveJob } from '@relay/jobs';
import type { FeedWrites } from '../feed/feed-writes.ts';
import type { ContactDirectory } from './contact-directory.ts';

export type ContactArchiveDeps = {
  intercom: IntercomClient;
  directory: ContactDirectory;
  feedWrites?: FeedWrites | undefined;
};

export type ContactArchiveResult = { intercomId: string; archived: boolean };

/**
 * Archives or unarchives a contact (by external_id). Both are idempotent at Intercom, so a
 * re-run changes nothing. A contact Intercom does not have fails the job at once.
 */
export async function contactArchive(
  job: ContactArchiveJob,
  deps: ContactArchiveDeps,
): Promise<ContactArchiveResult> {
  const { externalId, archived } = job;
  const id = await deps.directory.resolve(externalId, deps.intercom);
  if (!id) {
    throw new AppError('INTERCOM_REJECTED', 'no Intercom contact has this external_id', {
      status: 404,
    });
  }
  await deps.feedWrites?.archived({ intercomId: id, externalId }, archived);
  await (archived ? deps.intercom.archiveContact(id) : deps.intercom.unarchiveContact(id));
  await deps.directory.stale(externalId);
  return { intercomId: id, archived };
}
