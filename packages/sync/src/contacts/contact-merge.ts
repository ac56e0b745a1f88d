import { AppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import type { ContactMergeJob } from '@relay/jobs';
import type { FeedWrites } from '../feed/feed-writes.ts';
import type { ContactState } from '../records/record-state.ts';
import type { RunContext } from '../records/run-context.ts';
import { lockRecord } from '../records/sync-latest.ts';
import type { ContactDirectory } from './contact-directory.ts';

export type ContactMergeDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  directory: ContactDirectory;
  feedWrites?: FeedWrites | undefined;
};

export type ContactMergeResult = { intercomId: string; action: 'merged' | 'already_merged' };

/**
 * Merges a lead into a user (`POST /contacts/merge`), both named by external_id. Afterwards
 * the user's mapping points at what remains, and the lead is gone (mapping and copy; a late
 * notification of it caches nothing). A re-run finds the lead gone while the user exists:
 * already merged, nothing to do.
 */
export async function contactMerge(
  job: ContactMergeJob,
  deps: ContactMergeDeps,
  context: RunContext,
): Promise<ContactMergeResult> {
  const { leadExternalId, userExternalId } = job;
  const lead = await lockRecord(deps.contacts, leadExternalId, context, 'contact');
  try {
    const leadId = await deps.directory.resolve(leadExternalId, deps.intercom, lead.intercomId);
    const userId = await deps.directory.resolve(userExternalId, deps.intercom);
    if (!userId) {
      throw new AppError(
        'INTERCOM_REJECTED',
        `no Intercom contact has external_id ${userExternalId}`,
        { status: 404 },
      );
    }
    let result: ContactMergeResult;
    if (!leadId) {
      result = { intercomId: userId, action: 'already_merged' };
    } else {
      await deps.feedWrites?.merged({ intercomId: leadId, externalId: leadExternalId });
      const merged = await deps.intercom.mergeContacts(leadId, userId);
      result = { intercomId: merged.id, action: 'merged' };
    }
    await deps.directory.remember(userExternalId, result.intercomId);
    await deps.directory.gone(leadExternalId, leadId);
    await deps.directory.stale(userExternalId);
    return result;
  } finally {
    await deps.contacts.unlock(leadExternalId, lead.lock);
  }
}
