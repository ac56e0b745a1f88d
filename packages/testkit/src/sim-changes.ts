import type { SimCompany, SimContact, SimContactReference, SimWebhookFaults } from './sim-views.ts';

/**
 * Changes made on Intercom's side (`/__sim/changes/…`: the Messenger, a teammate, another
 * app), typed, and the webhook delivery faults. Each change sends the webhook Intercom sends.
 */

type CustomAttributes = Record<string, string | number | boolean | null>;

/** A contact's fields a change may set. */
export type SimContactFields = {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  external_id?: string | null;
  custom_attributes?: CustomAttributes;
};

/** `POST /__sim/changes/contacts`; `role` defaults to `lead`. */
export type SimNewContact = SimContactFields & { role?: 'lead' | 'user' };

/** `PATCH /__sim/changes/contacts/{id}`: a teammate's edit (custom attributes are merged). */
export type SimContactEdit = SimNewContact & { unsubscribed_from_emails?: boolean };

/** A company's fields a change may set (`company_id` only on creation: it is immutable). */
export type SimCompanyFields = {
  name?: string | null;
  plan?: string | null;
  size?: number | null;
  website?: string | null;
  industry?: string | null;
  monthly_spend?: number;
  custom_attributes?: CustomAttributes;
};

/** `POST /__sim/changes/companies`: create or update by `company_id`. */
export type SimNewCompany = SimCompanyFields & { company_id: string };

export type SimChanges = {
  /** A Messenger lead → `contact.lead.created`. */
  createLead(fields?: SimContactFields): Promise<SimContact>;
  /** A teammate creates a user → `contact.user.created`. */
  createUser(fields?: SimContactFields): Promise<SimContact>;
  createContact(contact: SimNewContact): Promise<SimContact>;
  /** → `contact.<role>.updated`; a taken email or external_id is a 409 `conflict`. */
  editContact(contactId: string, edit: SimContactEdit): Promise<SimContact>;
  /** By tag name, created if needed → `contact.tag.created`. */
  tag(contactId: string, tagName: string): Promise<SimContact>;
  /** → `contact.tag.deleted`. */
  untag(contactId: string, tagName: string): Promise<SimContact>;
  /** → `contact.merged`; answers the user. */
  merge(fromLeadId: string, intoUserId: string): Promise<SimContact>;
  /** → `contact.archived`. */
  archive(contactId: string): Promise<SimContact>;
  /** → `contact.<role>.updated`. */
  unarchive(contactId: string): Promise<SimContact>;
  /** → `contact.deleted`. */
  deleteContact(contactId: string): Promise<SimContactReference & { deleted: true }>;
  /** → `company.created` or `company.updated`. */
  upsertCompany(company: SimNewCompany): Promise<SimCompany>;
  /** By Intercom id → `company.updated`. */
  editCompany(companyId: string, edit: SimCompanyFields): Promise<SimCompany>;
  /** Detaches its contacts, then → `company.deleted`. */
  deleteCompany(companyId: string): Promise<{ id: string; object: 'company'; deleted: true }>;
  /** `companyId`: Intercom's id or the client's `company_id` → `company.contact.attached`. */
  attachCompany(contactId: string, companyId: string): Promise<SimContact>;
  /** → `company.contact.detached`. */
  detachCompany(contactId: string, companyId: string): Promise<SimContact>;
};

/** Lose or reorder a share of webhook notifications at run time. */
export type SimWebhookFaultControl = {
  get(): Promise<SimWebhookFaults>;
  /** Merges the settings given over the active ones. */
  set(faults: Partial<SimWebhookFaults>): Promise<SimWebhookFaults>;
  /** Back to the start-up settings (the flags). */
  clear(): Promise<SimWebhookFaults>;
};

/** A control route refused the call: its status and `{error: {code, message}}`. */
export class SimulatorRefusal extends Error {
  readonly status: number;
  readonly code: string;

  constructor(what: string, status: number, code: string, message: string) {
    super(`simulator ${what} answered ${status} ${code}: ${message}`);
    this.name = 'SimulatorRefusal';
    this.status = status;
    this.code = code;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A JSON call to the simulator's control API at `baseUrl()`; a refusal throws. */
function controlCaller(baseUrl: () => string) {
  return async <T>(method: Method, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl()}/__sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    const answer = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = (answer as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new SimulatorRefusal(
        `${method} /__sim/${path}`,
        response.status,
        error?.code ?? 'unknown',
        error?.message ?? text,
      );
    }
    return answer as T;
  };
}

const segment = encodeURIComponent;

/** The change routes of the simulator at `baseUrl` (a string, or read at each call). */
export function simChanges(baseUrl: string | (() => string)): SimChanges {
  const call = controlCaller(typeof baseUrl === 'string' ? () => baseUrl : baseUrl);
  const contact = (id: string, rest = '') => `changes/contacts/${segment(id)}${rest}`;
  const createContact = (fields: SimNewContact) =>
    call<SimContact>('POST', 'changes/contacts', fields);
  return {
    createLead: (fields = {}) => createContact({ ...fields, role: 'lead' }),
    createUser: (fields = {}) => createContact({ ...fields, role: 'user' }),
    createContact,
    editContact: (id, edit) => call('PATCH', contact(id), edit),
    tag: (id, name) => call('POST', contact(id, '/tags'), { name }),
    untag: (id, name) => call('DELETE', contact(id, `/tags/${segment(name)}`)),
    merge: (from, into) => call('POST', 'changes/contacts/merge', { from, into }),
    archive: (id) => call('POST', contact(id, '/archive')),
    unarchive: (id) => call('POST', contact(id, '/unarchive')),
    deleteContact: (id) => call('DELETE', contact(id)),
    upsertCompany: (company) => call('POST', 'changes/companies', company),
    editCompany: (id, edit) => call('PATCH', `changes/companies/${segment(id)}`, edit),
    deleteCompany: (id) => call('DELETE', `changes/companies/${segment(id)}`),
    attachCompany: (id, companyId) =>
      call('POST', contact(id, '/companies'), { company_id: companyId }),
    detachCompany: (id, companyId) =>
      call('DELETE', contact(id, `/companies/${segment(companyId)}`)),
  };
}

/** The webhook delivery faults of the simulator at `baseUrl`. */
export function simWebhookFaults(baseUrl: string | (() => string)): SimWebhookFaultControl {
  const call = controlCaller(typeof baseUrl === 'string' ? () => baseUrl : baseUrl);
  const faults = async (method: Method, body?: unknown) =>
    (await call<{ faults: SimWebhookFaults }>(method, 'webhooks/faults', body)).faults;
  return {
    get: () => faults('GET'),
    set: (settings) => faults('POST', settings),
    clear: () => faults('DELETE'),
  };
}
