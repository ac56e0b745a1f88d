import { AppError, isAppError } from '@relay/errors';
import type { IntercomClient, IntercomContact } from '@relay/intercom';
import type { ContactState, IntercomMatch } from '../records/record-state.ts';
import {
  type ContactCopiesOptions,
  type ContactCopy,
  createContactCopies,
} from './contact-copies.ts';

export type CachedContact = {
  contact: IntercomContact & Record<string, unknown>;
  /** When the copy was read from Intercom (or from a webhook), ISO 8601. */
  cachedAt: string;
  /** True when Intercom could not be asked and this is the last known copy. */
  stale: boolean;
};

export type ContactDirectoryOptions = ContactCopiesOptions & {
  /** The contacts' records, whose hash holds the id map (intercom_id) and the 409's match. */
  contacts: ContactState;
  /** For reads through to Intercom (`get`); without it the directory answers from its copies. */
  intercom?: IntercomClient | undefined;
  /** A copy younger than this is served without asking Intercom. @defaultValue 300000 */
  freshMs?: number;
};

/** Intercom is failing, not saying no: a stale copy is better than an error. */
const OUTAGE_CODES = new Set([
  'INTERCOM_UNAVAILABLE',
  'INTERCOM_CIRCUIT_OPEN',
  'INTERCOM_RATE_LIMITED',
  'QUEUE_UNAVAILABLE',
]);

/**
 * The one place that says which Intercom contact an external_id names: it resolves, remembers
 * and forgets the mapping and the cached copy together, so every path keeps the same rules
 * (see the glossary in ../index.ts):
 * - gone: a contact Intercom no longer has (deleted, erased, merged away) is marked gone; a
 *   late description of it (a redelivered notification, a lagging search, a read that raced
 *   the erasure) leaves neither a copy nor a mapping behind;
 * - identity: one external_id, one Intercom contact; a mapping is forgotten only while it
 *   still names the contact that went, so a late notice cannot undo a newer mapping.
 * Services take an Intercom client per call where they read through their run's client.
 */
export function createContactDirectory(options: ContactDirectoryOptions) {
  const copies = createContactCopies(options);
  const records = options.contacts;
  const now = options.now ?? Date.now;
  const freshMs = options.freshMs ?? 300_000;

  /** Forgets the mapping if it still names `intercomId` (any contact, without one). */
  async function forget(externalId: string, intercomId?: string): Promise<void> {
    const mapped = await records.intercomId(externalId);
    if (mapped !== undefined && (intercomId === undefined || mapped === intercomId)) {
      await records.forgetId(externalId);
    }
  }

  /**
   * Maps and caches a contact Intercom described, unless Intercom no longer has it: then the
   * mapping just written goes again. The map is written first, so an erasure that runs in
   * between purges it or sees it forgotten here.
   */
  async function learn(externalId: string, contact: ContactCopy['contact']) {
    await records.rememberId(externalId, contact.id);
    const stored = await copies.store(externalId, contact);
    if (!stored) await forget(externalId, contact.id);
    return stored;
  }

  /** The contact with this Intercom id, or undefined when Intercom has none (404). */
  async function contactById(id: string, intercom: IntercomClient) {
    try {
      return await intercom.getContact(id);
    } catch (error) {
      if (isAppError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The contact Intercom has for this external_id: by the mapped id, else by its lookup. */
  async function lookUp(externalId: string, intercom: IntercomClient) {
    const mapped = await records.intercomId(externalId);
    if (mapped) {
      const contact = await contactById(mapped, intercom);
      if (contact) return contact;
      await forget(externalId, mapped);
    }
    return intercom.findContactByExternalId(externalId);
  }

  const view = (entry: ContactCopy, stale: boolean): CachedContact => ({
    contact: entry.contact,
    cachedAt: new Date(entry.cachedAt).toISOString(),
    stale,
  });

  return {
    /**
     * The contact as Intercom has it, or undefined when it has none with this external_id: a
     * fresh copy as is; an old one refreshed from Intercom, or served `stale` while Intercom
     * fails.
     */
    async get(externalId: string): Promise<CachedContact | undefined> {
      const cached = await copies.read(externalId);
      if (cached && now() - cached.cachedAt < freshMs) return view(cached, false);
      if (!options.intercom) {
        if (cached) return view(cached, true);
        throw new AppError('INTERCOM_UNAVAILABLE', 'no copy cached and no Intercom access here', {
          retryAfterMs: 5_000,
        });
      }
      try {
        const contact = await lookUp(externalId, options.intercom);
        if (!contact) {
          await copies.drop(externalId);
          return undefined;
        }
        const stored = await learn(externalId, contact as ContactCopy['contact']);
        return stored ? view(stored, false) : undefined; // erased while it was being read
      } catch (error) {
        if (cached && isAppError(error) && OUTAGE_CODES.has(error.code)) return view(cached, true);
        throw error;
      }
    },

    /**
     * A contact Intercom described (a notification's item, a sweep's or a lookup's result):
     * mapped and cached. False, and nothing left of it, when Intercom no longer has it.
     */
    async learn(externalId: string, contact: ContactCopy['contact']): Promise<boolean> {
      return (await learn(externalId, contact)) !== undefined;
    },

    /** The contact Intercom has for this external_id (the mapped id, else its lookup). */
    lookUp,

    /** The contact with this Intercom id, or undefined when Intercom has none. */
    contactById,

    /**
     * Intercom no longer has this contact (deleted, erased, merged away): its copy goes, it is
     * marked gone (with its id), and its mapping is forgotten if it still names it.
     */
    async gone(externalId: string, intercomId?: string): Promise<void> {
      await copies.drop(externalId, intercomId);
      await forget(externalId, intercomId);
    },

    /** The copy is out of date (the relay changed the contact): the next read asks Intercom. */
    stale: (externalId: string): Promise<void> => copies.drop(externalId),

    /** The Intercom id the relay knows for this external_id. */
    idOf: (externalId: string): Promise<string | undefined> => records.intercomId(externalId),

    /** The relay's own write made or took this contact for the record. */
    remember: (externalId: string, intercomId: string): Promise<void> =>
      records.rememberId(externalId, intercomId),

    /** Intercom no longer has the mapped contact (a 404): forgets it if it is still `intercomId`. */
    forget,

    /**
     * The Intercom id of the contact with this external_id: the one the caller already knows,
     * else the mapped one, else Intercom's lookup; undefined when Intercom has none.
     */
    async resolve(
      externalId: string,
      intercom: IntercomClient,
      known?: string,
    ): Promise<string | undefined> {
      return (
        known ??
        (await records.intercomId(externalId)) ??
        (await intercom.findContactByExternalId(externalId))?.id
      );
    },

    /**
     * As `resolve`, for an erasure, which cannot be undone: the id the relay knows is used only
     * if that contact carries this external_id (or none: it holds what the relay wrote for
     * this record). A mapping made before identity conflicts were caught may name another
     * record's contact; then Intercom's lookup decides.
     */
    async resolveOwn(
      externalId: string,
      intercom: IntercomClient,
      known?: string,
    ): Promise<string | undefined> {
      const mapped = known ?? (await records.intercomId(externalId));
      if (mapped) {
        const contact = await contactById(mapped, intercom);
        const owner = contact?.external_id ?? null;
        if (contact && (owner === null || owner === externalId)) return mapped;
      }
      return (await intercom.findContactByExternalId(externalId))?.id;
    },

    /** The contact a create's 409 named, kept until the run has looked at whose it is. */
    rememberMatch: (externalId: string, match: IntercomMatch): Promise<void> =>
      records.rememberMatch(externalId, match),
    forgetMatch: (externalId: string): Promise<void> => records.forgetMatch(externalId),
  };
}

export type ContactDirectory = ReturnType<typeof createContactDirectory>;
