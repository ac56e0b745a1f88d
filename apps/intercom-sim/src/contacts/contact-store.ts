import type { CompanyView } from '../companies/company-view.ts';
import { IntercomHttpError, notFound } from '../http/intercom-error.ts';
import type { TagView } from '../tags/tag-view.ts';
import type { ContactPatch } from './contact-input.ts';
import { mergeLeadIntoUser } from './contact-merge.ts';
import { type ContactRecord, emptyContactFields } from './contact-record.ts';

/** What a write did, beyond the new state; tag and company are the views webhooks carry. */
type ContactEvent =
  | ContactReplaceEvent
  | { kind: 'created' | 'deleted' }
  | { kind: 'merged'; from: ContactRecord };

/** The writes `replace` makes: flags, tags and companies rather than client fields. */
export type ContactReplaceEvent =
  | { kind: 'updated' | 'archived' | 'unarchived' }
  | { kind: 'tagged' | 'untagged'; tag: TagView }
  | { kind: 'company_attached' | 'company_detached'; company: CompanyView };

/** `contact` is the state after the write (the removed record for `deleted`). */
export type ContactChange = ContactEvent & {
  contact: ContactRecord;
  previous: ContactRecord | null;
};

export type ContactStoreDeps = {
  workspaceId: string;
  now: () => number;
  newId: () => string;
  /** Told about every write, after it is stored (search index, webhooks). */
  onChange: (change: ContactChange) => void;
};

export type DeletedContact = { id: string; external_id: string | null; deleted_at: number };

/**
 * The workspace's contacts, with Intercom's uniqueness rules: `external_id` unique among all
 * contacts, email unique among users. Counts writes per contact id.
 */
export function createContactStore(deps: ContactStoreDeps) {
  const contacts = new Map<string, ContactRecord>();
  const idByExternalId = new Map<string, string>();
  const idByUserEmail = new Map<string, string>();
  const writes = new Map<string, number>();
  const deleted = new Map<string, DeletedContact>();
  const mergedInto = new Map<string, string>();
  let seq = 0;

  const nowSeconds = () => Math.floor(deps.now() / 1000);
  const emailKey = (email: string) => email.toLowerCase();

  function conflictWith(candidate: ContactPatch & { role: string }, selfId?: string) {
    const byExternal = candidate.external_id ? idByExternalId.get(candidate.external_id) : null;
    const byEmail =
      candidate.role === 'user' && candidate.email
        ? idByUserEmail.get(emailKey(candidate.email))
        : null;
    const clashId = [byExternal, byEmail].find((id) => id && id !== selfId);
    const clash = clashId ? contacts.get(clashId) : undefined;
    if (!clash) return;
    const which = clash.archived ? 'An archived contact' : 'A contact';
    throw new IntercomHttpError(
      409,
      'conflict',
      `${which} matching those details already exists with id=${clash.id}`,
    );
  }

  function store(next: ContactRecord, previous?: ContactRecord) {
    if (previous) unindex(previous);
    contacts.set(next.id, next);
    if (next.external_id) idByExternalId.set(next.external_id, next.id);
    if (next.role === 'user' && next.email) idByUserEmail.set(emailKey(next.email), next.id);
    writes.set(next.id, (writes.get(next.id) ?? 0) + 1);
  }

  function unindex(contact: ContactRecord) {
    if (contact.external_id) idByExternalId.delete(contact.external_id);
    if (contact.email && idByUserEmail.get(emailKey(contact.email)) === contact.id) {
      idByUserEmail.delete(emailKey(contact.email));
    }
  }

  function require(id: string): ContactRecord {
    const contact = contacts.get(id);
    if (!contact) throw notFound('User Not Found');
    return contact;
  }

  return {
    get: (id: string) => contacts.get(id),
    require,
    findByExternalId(externalId: string) {
      const id = idByExternalId.get(externalId);
      return id ? contacts.get(id) : undefined;
    },
    findUserByEmail(email: string) {
      const id = idByUserEmail.get(emailKey(email));
      return id ? contacts.get(id) : undefined;
    },
    all: () => contacts.values(),
    writeCount: (id: string) => writes.get(id) ?? 0,
    deleted: () => [...deleted.values()],
    mergedInto: (id: string) => mergedInto.get(id),

    /** `fixed` lets seeds keep their ids and timestamps; API creates pass nothing. */
    /** `fixed`: what only a seed sets (its own id and time, tags and companies from the start). */
    create(
      patch: ContactPatch,
      fixed: Partial<Pick<ContactRecord, 'id' | 'created_at' | 'tag_ids' | 'company_ids'>> = {},
    ) {
      const fields = { ...emptyContactFields, ...patch };
      conflictWith(fields);
      const at = fixed.created_at ?? nowSeconds();
      const contact: ContactRecord = {
        ...fields,
        type: 'contact',
        seq: ++seq,
        id: fixed.id ?? deps.newId(),
        workspace_id: deps.workspaceId,
        created_at: at,
        updated_at: at,
        signed_up_at: fields.signed_up_at ?? (fields.role === 'user' ? at : null),
        archived: false,
        tag_ids: fixed.tag_ids ?? [],
        company_ids: fixed.company_ids ?? [],
      };
      store(contact);
      deps.onChange({ kind: 'created', contact, previous: null });
      return contact;
    },

    update(id: string, patch: ContactPatch) {
      const previous = require(id);
      const merged = { ...previous, ...patch };
      conflictWith(merged, id);
      const custom = patch.custom_attributes;
      const contact: ContactRecord = {
        ...merged,
        custom_attributes: custom
          ? { ...previous.custom_attributes, ...custom }
          : merged.custom_attributes,
        updated_at: nowSeconds(),
      };
      store(contact, previous);
      deps.onChange({ kind: 'updated', contact, previous });
      return contact;
    },

    /** For archive flags, tags and companies: a write that is not a client field patch. */
    replace(
      id: string,
      change: (c: ContactRecord) => Partial<ContactRecord>,
      event: ContactReplaceEvent,
    ) {
      const previous = require(id);
      const contact: ContactRecord = { ...previous, ...change(previous), updated_at: nowSeconds() };
      store(contact, previous);
      deps.onChange({ ...event, contact, previous });
      return contact;
    },

    delete(id: string) {
      const contact = require(id);
      remove(contact);
      deleted.set(id, { id, external_id: contact.external_id, deleted_at: nowSeconds() });
      deps.onChange({ kind: 'deleted', contact, previous: contact });
      return contact;
    },

    /** Merges a lead into a user: the lead disappears, the user keeps what it lacked. */
    merge(fromId: string, intoId: string) {
      const from = require(fromId);
      const into = require(intoId);
      const contact = mergeLeadIntoUser(from, into, nowSeconds());
      conflictWith(contact, intoId);
      remove(from);
      mergedInto.set(fromId, intoId);
      store(contact, into);
      deps.onChange({ kind: 'merged', from, contact, previous: into });
      return contact;
    },

    clear() {
      for (const map of [contacts, idByExternalId, idByUserEmail, writes, deleted, mergedInto]) {
        map.clear();
      }
      seq = 0;
    },
  };

  function remove(contact: ContactRecord) {
    unindex(contact);
    contacts.delete(contact.id);
    writes.set(contact.id, (writes.get(contact.id) ?? 0) + 1);
  }
}

export type ContactStore = ReturnType<typeof createContactStore>;
