import { AppError, isAppError } from '@relay/errors';
import type { ContactWrite, IntercomClient } from '@relay/intercom';
import type { ContactInput, ContactUpsertJob } from '@relay/jobs';
import type { FeedWrites } from '../feed/feed-writes.ts';
import { payloadHash } from '../records/payload-hash.ts';
import type { CompanyState, ContactState, IntercomMatch } from '../records/record-state.ts';
import type { RunContext } from '../records/run-context.ts';
import { type SyncOutcome, syncLatest } from '../records/sync-latest.ts';
import { syncCompanies } from './contact-companies.ts';
import type { ContactDirectory } from './contact-directory.ts';
import { contactHolds } from './contact-holds.ts';
import { identityConflict } from './identity-conflict.ts';

export type ContactUpsertDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  companies: CompanyState;
  directory: ContactDirectory;
  /** Told of each write before it is made (the change feed's echo rule). */
  feedWrites?: FeedWrites | undefined;
  /** REDIS_ACK_REPLICAS: the write mark on the replicas before the write (sync-latest.ts). */
  confirmMark?: (() => Promise<void>) | undefined;
};

export type ContactUpsertResult = SyncOutcome<'created' | 'updated'>;

type Written = { intercomId: string; action: 'created' | 'updated' | 'unchanged' };

const CONFLICT_ID = /already exists with id=([0-9a-zA-Z]+)/;
const ARCHIVED_CONFLICT = /archived contact/i;

/**
 * Brings Intercom to the contact's latest pending data with as few calls as possible, and so
 * that running it twice changes nothing (its companies follow after the write):
 * - nothing pending (an earlier job synced it) or the same data as last synced → no call;
 * - known Intercom id → one update (a 404 means it was deleted there: forget it and create);
 *   when a run of this job before was cut short holding the contact, or failed in a way that
 *   may have applied its write (a timeout, a 5xx, a garbled answer), a look first, and no
 *   update if the contact already holds the data;
 * - otherwise create directly (search lags writes by minutes, so search-then-create races);
 *   on 409 look at the contact the message names: another record's (Intercom matched the
 *   email) → identity conflict, nothing written; ours, or one without an external_id → take
 *   its id, unarchive if archived, and update unless it already holds the data (an earlier
 *   run's create that landed before its worker died: the effect is applied once).
 * One job per contact runs at a time (lock), across lanes and processes.
 */
export async function contactUpsert(
  job: ContactUpsertJob,
  deps: ContactUpsertDeps,
  context: RunContext,
): Promise<ContactUpsertResult> {
  const externalId = job.contact.external_id;
  return syncLatest(
    {
      state: deps.contacts,
      crmId: externalId,
      job: context,
      what: 'contact',
      intercom: deps.intercom,
      feedWrites: deps.feedWrites,
      confirmMark: deps.confirmMark,
    },
    // The companies are part of what was synced, though not of the contact write itself.
    (pending) =>
      payloadHash({ body: toContactWrite(pending), companies: pending.companies ?? null }),
    async (pending, knownId, run) => {
      const marked = { ...deps, intercom: run.intercom, feedWrites: run.feedWrites };
      const result = await write(toContactWrite(pending), knownId, marked, {
        // An earlier run's or attempt's write may have landed (see the glossary: write mark).
        mayHaveWritten: run.unrecordedWrite || run.resumed || context.attempt > 1,
        // A claim of a contact made in Intercom is a match named by the CRM, not by a 409.
        match: run.match ?? claimOf(pending),
        claimedId: pending.intercom_id,
      });
      if (pending.companies !== undefined && result.intercomId) {
        await syncCompanies(externalId, result.intercomId, pending.companies, marked);
      }
      return result;
    },
  );
}

async function write(
  body: ContactWrite & { external_id: string },
  knownId: string | undefined,
  deps: ContactUpsertDeps,
  {
    mayHaveWritten,
    match,
    claimedId,
  }: {
    mayHaveWritten: boolean;
    match: IntercomMatch | undefined;
    claimedId: string | undefined;
  },
): Promise<Written> {
  const { external_id: externalId, ...changes } = body; // external_id never changes
  if (knownId) {
    try {
      // A second write would send Intercom's update webhook once more; a look is one call,
      // and the only one if the earlier write landed.
      if (mayHaveWritten && contactHolds(await deps.intercom.getContact(knownId), changes)) {
        return { intercomId: knownId, action: 'unchanged' };
      }
      return {
        intercomId: await updateKnown(externalId, knownId, changes, deps),
        action: 'updated',
      };
    } catch (error) {
      if (!(isAppError(error) && error.status === 404)) throw error;
      await deps.directory.forget(externalId, knownId);
    }
  }
  if (match) {
    // An earlier run's create met this contact and was held before it could look.
    const taken = await takeMatch(externalId, changes, match, deps);
    if (taken) return taken;
    if (match.id === claimedId) {
      throw new AppError(
        'INTERCOM_REJECTED',
        `no Intercom contact has intercom_id ${match.id} (deleted or merged since)`,
        {
          status: 404,
        },
      );
    }
  }
  return createOrTake(body, deps);
}

/** Creates the contact; on 409 takes the contact Intercom named, if it is this record's. */
async function createOrTake(
  body: ContactWrite & { external_id: string },
  deps: ContactUpsertDeps,
  triesLeft = 2,
): Promise<Written> {
  const { external_id: externalId, ...changes } = body;
  try {
    await deps.feedWrites?.contact({ externalId }, body);
    const created = await deps.intercom.createContact(body);
    return { intercomId: created.id, action: 'created' };
  } catch (error) {
    const id = conflictId(error);
    if (!id) throw error;
    const met = { id, archived: ARCHIVED_CONFLICT.test((error as Error).message) };
    await deps.directory.rememberMatch(externalId, met);
    const taken = await takeMatch(externalId, changes, met, deps, error);
    if (taken) return taken;
    // Named, then gone before the look (deleted meanwhile): nothing holds the details now.
    if (triesLeft <= 1) throw error;
    return createOrTake(body, deps, triesLeft - 1);
  }
}

/**
 * The contact Intercom's 409 named already holds the create's details. Intercom matches a
 * create by external_id and also by email, so it is this record's (an earlier run's create
 * that landed, or a contact made elsewhere for it) only if it carries this external_id, or
 * none yet: one look tells, before anything is written. Another record's → identity
 * conflict, nothing written. Undefined when the contact is gone (the match is forgotten).
 */
async function takeMatch(
  externalId: string,
  changes: ContactWrite,
  match: IntercomMatch,
  deps: ContactUpsertDeps,
  cause?: unknown,
): Promise<Written | undefined> {
  const existing = await deps.directory.contactById(match.id, deps.intercom);
  if (!existing) {
    await deps.directory.forgetMatch(externalId);
    return undefined;
  }
  const owner = existing.external_id ?? null;
  if (owner !== null && owner !== externalId) {
    await deps.directory.forgetMatch(externalId);
    throw identityConflict(externalId, owner, match.id, cause);
  }
  await deps.directory.remember(externalId, match.id);
  if (match.archived) {
    await deps.feedWrites?.archived({ intercomId: match.id, externalId }, false);
    await deps.intercom.unarchiveContact(match.id);
  } else if (owner !== null && contactHolds(existing, changes)) {
    // Most likely an earlier run's create that landed before its worker died: the effect is
    // applied once.
    return { intercomId: match.id, action: 'unchanged' };
  }
  // A contact without an external_id (made by a teammate or another app, matched by email)
  // becomes this record's: the update sets it, so later writes and erasures find it.
  const update = owner === null ? { ...changes, external_id: externalId } : changes;
  await deps.feedWrites?.contact({ intercomId: match.id, externalId }, update);
  return {
    intercomId: (await deps.intercom.updateContact(match.id, update)).id,
    action: 'updated',
  };
}

/**
 * An update that Intercom refuses with a 409 names another contact that already holds the
 * new details (a user's email): never a race of ours, always another record's contact.
 */
async function updateKnown(
  externalId: string,
  knownId: string,
  changes: ContactWrite,
  deps: ContactUpsertDeps,
): Promise<string> {
  await deps.feedWrites?.contact({ intercomId: knownId, externalId }, changes);
  try {
    return (await deps.intercom.updateContact(knownId, changes)).id;
  } catch (error) {
    const otherId = conflictId(error);
    if (!otherId || otherId === knownId) throw error;
    const other = await deps.directory.contactById(otherId, deps.intercom);
    // Gone since the 409 (deleted meanwhile): nothing holds the details now.
    if (!other) return (await deps.intercom.updateContact(knownId, changes)).id;
    throw identityConflict(externalId, other.external_id ?? null, otherId, error);
  }
}

/** The id of the contact an Intercom 409 says already holds the details, if it is one. */
function conflictId(error: unknown): string | undefined {
  return isAppError(error) && error.status === 409
    ? CONFLICT_ID.exec(error.message)?.[1]
    : undefined;
}

const claimOf = (contact: ContactInput): IntercomMatch | undefined =>
  contact.intercom_id === undefined ? undefined : { id: contact.intercom_id, archived: false };

function toContactWrite(contact: ContactInput): ContactWrite & { external_id: string } {
  const body: ContactWrite & { external_id: string } = { external_id: contact.external_id };
  if (contact.role !== undefined) body.role = contact.role;
  if (contact.email !== undefined) body.email = contact.email;
  if (contact.phone !== undefined) body.phone = contact.phone;
  if (contact.name !== undefined) body.name = contact.name;
  if (contact.custom_attributes !== undefined) body.custom_attributes = contact.custom_attributes;
  return body;
}
