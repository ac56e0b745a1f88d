import { isAppError } from '@relay/errors';
import type { ContactWrite } from '@relay/intercom';
import { type ContactInput, type ContactUpsertJob, payloadHash } from '@relay/jobs';
import { contactHolds } from './contact-holds.ts';
import type { ProcessorDeps } from './deps.ts';
import type { JobContext } from './job-context.ts';
import { type SyncOutcome, syncLatest } from './record-lock.ts';

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
 *   on 409 take the id from the message, unarchive if archived, and update; when a run before
 *   may have written (its create may have reached Intercom before its worker died) and the
 *   contact already holds the data, no update: the effect is applied once.
 * One job per contact runs at a time (lock), across lanes and processes.
 */
export async function contactUpsert(
  job: ContactUpsertJob,
  deps: ProcessorDeps,
  context: JobContext,
): Promise<ContactUpsertResult> {
  const externalId = job.contact.external_id;
  return syncLatest(
    {
      state: deps.contacts,
      crmId: externalId,
      job: context,
      what: 'contact',
      intercom: deps.intercom,
    },
    // The companies are part of what was synced, though not of the contact write itself.
    (pending) =>
      payloadHash({ body: toContactWrite(pending), companies: pending.companies ?? null }),
    async (pending, knownId, run) => {
      const marked = { ...deps, intercom: run.intercom };
      const result = await write(toContactWrite(pending), knownId, marked, {
        // A write of an earlier run whose outcome was never recorded (its worker died, it was
        // cut off, or it was put on hold after the write), or an earlier attempt that failed
        // (a timeout, a 5xx or a garbled 2xx may hide a write that landed): look first.
        mayHaveWritten: run.unrecordedWrite || run.resumed || context.attempt > 1,
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
  deps: ProcessorDeps,
  { mayHaveWritten }: { mayHaveWritten: boolean },
): Promise<Written> {
  const { external_id: externalId, ...changes } = body; // external_id never changes
  if (knownId) {
    try {
      // A run before this one held the contact and never finished (its worker died or was
      // cut off from Redis), or failed after its call went out: its write may have landed. A
      // second write would send Intercom's update webhook once more; a look is one call, and
      // the only one if so.
      if (mayHaveWritten && contactHolds(await deps.intercom.getContact(knownId), changes)) {
        return { intercomId: knownId, action: 'unchanged' };
      }
      return {
        intercomId: (await deps.intercom.updateContact(knownId, changes)).id,
        action: 'updated',
      };
    } catch (error) {
      if (!(isAppError(error) && error.status === 404)) throw error;
      await deps.contacts.forgetId(externalId);
    }
  }
  try {
    const created = await deps.intercom.createContact(body);
    return { intercomId: created.id, action: 'created' };
  } catch (error) {
    const existingId =
      isAppError(error) && error.status === 409 ? conflictId(error.message) : undefined;
    if (!existingId) throw error;
    await deps.contacts.rememberId(externalId, existingId);
    if (ARCHIVED_CONFLICT.test(error instanceof Error ? error.message : '')) {
      await deps.intercom.unarchiveContact(existingId);
    } else if (
      mayHaveWritten &&
      contactHolds(await deps.intercom.getContact(existingId), changes)
    ) {
      // A 409 after a run whose write may have landed is most likely that run's create: look
      // before writing. Not BullMQ's start count: it missed some runs restarted after a
      // SIGKILL, and counts runs held back before any call (a budget wait at a window's end),
      // which made the 409 race cost a look it did not need.
      return { intercomId: existingId, action: 'unchanged' };
    }
    const updated = await deps.intercom.updateContact(existingId, changes);
    return { intercomId: updated.id, action: 'updated' };
  }
}

/**
 * Makes the contact's companies the pushed list: attaches the new ones (creating a company
 * Intercom does not have yet, by company_id and name) and detaches the ones the CRM dropped
 * since the last sync. A push without `companies` leaves them as they are. Attaching or
 * detaching again changes nothing, so a re-run is harmless.
 */
async function syncCompanies(
  externalId: string,
  contactId: string,
  companies: NonNullable<ContactInput['companies']>,
  deps: ProcessorDeps,
): Promise<void> {
  const wanted: string[] = [];
  for (const company of companies) {
    let companyId = await deps.companies.intercomId(company.company_id);
    if (!companyId) {
      const write = company.name === undefined ? { company_id: company.company_id } : company;
      companyId = (await deps.intercom.upsertCompany(write)).id;
      await deps.companies.rememberId(company.company_id, companyId);
    }
    wanted.push(companyId);
  }
  const before = await deps.contacts.attachedCompanies(externalId);
  for (const companyId of wanted) {
    if (!before.includes(companyId))
      await deps.intercom.attachContactToCompany(contactId, companyId);
  }
  for (const companyId of before) {
    if (!wanted.includes(companyId)) {
      await deps.intercom.detachContactFromCompany(contactId, companyId);
    }
  }
  await deps.contacts.setAttachedCompanies(externalId, wanted);
}

export function conflictId(message: string): string | undefined {
  return CONFLICT_ID.exec(message)?.[1];
}

function toContactWrite(contact: ContactInput): ContactWrite & { external_id: string } {
  const body: ContactWrite & { external_id: string } = { external_id: contact.external_id };
  if (contact.role !== undefined) body.role = contact.role;
  if (contact.email !== undefined) body.email = contact.email;
  if (contact.phone !== undefined) body.phone = contact.phone;
  if (contact.name !== undefined) body.name = contact.name;
  if (contact.custom_attributes !== undefined) body.custom_attributes = contact.custom_attributes;
  return body;
}
