import { AppError } from '@relay/errors';
import type { ContactMergeJob } from '@relay/jobs';
import type { RunContext as JobContext } from '@relay/sync';
import { lockRecord } from '@relay/sync';
import { contactIdOf } from './contact-lookup.ts';
import type { ProcessorDeps } from './deps.ts';

export type ContactMergeResult = { intercomId: string; action: 'merged' | 'already_merged' };

/**
 * Merges a lead into a user (`POST /contacts/merge`), both named by external_id. Afterwards
 * the user's mapping points at what remains, and the lead's mapping and cached copies go. A
 * re-run finds the lead gone while the user exists: already merged, nothing to do.
 */
export async function contactMerge(
  job: ContactMergeJob,
  deps: ProcessorDeps,
  context: JobContext,
): Promise<ContactMergeResult> {
  const { leadExternalId, userExternalId } = job;
  const lead = await lockRecord(deps.contacts, leadExternalId, context, 'contact');
  try {
    const leadId = await contactIdOf(leadExternalId, deps, lead.intercomId);
    const userId = await contactIdOf(userExternalId, deps);
    if (!userId) {
      throw new AppError(
        'INTERCOM_REJECTED',
        `no Intercom contact has external_id ${userExternalId}`,
        {
          status: 404,
        },
      );
    }
    let result: ContactMergeResult;
    if (!leadId) {
      result = { intercomId: userId, action: 'already_merged' };
    } else {
      const merged = await deps.intercom.mergeContacts(leadId, userId);
      result = { intercomId: merged.id, action: 'merged' };
    }
    await deps.contacts.rememberId(userExternalId, result.intercomId);
    // The lead is gone from Intercom: a late notification of it must not cache it again.
    await deps.contactCache.drop(leadExternalId, leadId);
    await deps.contacts.forgetId(leadExternalId);
    await deps.contactCache.drop(userExternalId);
    return result;
  } finally {
    await deps.contacts.unlock(leadExternalId, lead.lock);
  }
}
