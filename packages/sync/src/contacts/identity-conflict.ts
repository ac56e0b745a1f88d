import { AppError } from '@relay/errors';

/**
 * Intercom matched a CRM record's data to a contact that is not the record's (invariant 9):
 * Intercom also matches contacts by email, so two CRM records sharing an email meet the same
 * contact. Nothing is written to it; the job fails at once, naming both records by their
 * external_ids (identifiers, no personal data) and the contact by its Intercom id.
 */
export function identityConflict(
  externalId: string,
  owner: string | null,
  intercomId: string,
  cause: unknown,
): AppError {
  const whose = owner === null ? 'which has no external_id' : `which belongs to ${owner}`;
  return new AppError(
    'CONTACT_IDENTITY_CONFLICT',
    `${externalId}: Intercom matched it (by email) to contact ${intercomId}, ${whose}; nothing was written. Give each CRM record its own email, or merge the records in the CRM, then push again`,
    {
      cause,
      status: 409,
      requestId: cause instanceof AppError ? cause.requestId : undefined,
      details: { external_id: externalId, conflicting_external_id: owner, intercom_id: intercomId },
    },
  );
}
