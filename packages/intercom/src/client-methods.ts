import { AppError } from '@relay/errors';
import type { Intercom, IntercomClient as Sdk } from 'intercom-client';
import type {
  CompanyWrite,
  ContactWrite,
  DataAttributeInfo,
  DataEvent,
  IntercomContact,
  SearchQuery,
  Send,
} from './client-types.ts';
import { companyScrollCalls } from './company-scroll.ts';
import { conversationAndArticleCalls } from './conversation-article-calls.ts';
import { feedCalls } from './feed-calls.ts';
import { requireContact, requireId } from './require-id.ts';

/**
 * Runs around each write of a client made with `withWriteGuard`: a check before it (the run
 * still holds its job; the record is marked), and whatever must follow it. `send` makes the call.
 */
export type WriteGuard = <T>(send: () => Promise<T>) => Promise<T>;

/**
 * The client's calls, each a read (changes nothing at Intercom: `read`) or a write (may
 * change something: `write`). Deciding it here, where the call is made, is what lets a
 * caller guard every write and nothing else (`withWriteGuard`): a new write is guarded with
 * no list to keep elsewhere.
 */
function intercomCalls(sdk: Sdk, read: Send, write: Send) {
  return {
    ...conversationAndArticleCalls(sdk, read, write),
    ...feedCalls(sdk, read),
    ...companyScrollCalls(sdk, read),
    /** The admin the token belongs to, with the workspace id (`app.id_code`). */
    me: () => read(() => sdk.admins.identify()),

    createContact: async (body: ContactWrite): Promise<IntercomContact> =>
      requireContact(await write(() => sdk.contacts.create(body as Intercom.CreateContactRequest))),

    updateContact: async (id: string, body: ContactWrite): Promise<IntercomContact> =>
      requireContact(
        await write(() =>
          sdk.contacts.update({ contact_id: id, ...body } as Intercom.UpdateContactRequest),
        ),
      ),

    /** Creates the company, or updates the one with this `company_id` (immutable at Intercom). */
    upsertCompany: async (body: CompanyWrite): Promise<{ id: string }> =>
      requireId(
        await write(() =>
          sdk.companies.createOrUpdate(body as Intercom.CreateOrUpdateCompanyRequest),
        ),
        'company',
      ),

    /** The workspace's data attributes of one model (names and types, to validate against). */
    listDataAttributes: async (model: 'contact' | 'company'): Promise<DataAttributeInfo[]> => {
      const list = await read(() => sdk.dataAttributes.list({ model }));
      return (list.data ?? []).map((attribute) => ({
        name: attribute.name,
        dataType: attribute.data_type,
        custom: attribute.custom ?? false,
        apiWritable: attribute.api_writable ?? true,
        archived: attribute.archived ?? false,
      }));
    },

    /** Detaching a contact that is not attached answers 404, which counts as done. */
    async detachContactFromCompany(contactId: string, companyId: string): Promise<void> {
      try {
        await write(() =>
          sdk.companies.detachContact({ contact_id: contactId, company_id: companyId }),
        );
      } catch (error) {
        if (!(error instanceof AppError && error.status === 404)) throw error;
      }
    },

    /** Attaching a contact already attached changes nothing. */
    attachContactToCompany: (contactId: string, companyId: string) =>
      write(() => sdk.companies.attachContact({ contact_id: contactId, id: companyId })),

    /**
     * A data event for the contact with this external_id (Intercom's `user_id`). Intercom
     * answers 202 with no body, for duplicates too.
     */
    trackEvent: (event: DataEvent): Promise<void> =>
      write(() =>
        sdk.events.create({
          user_id: event.externalId,
          event_name: event.name,
          created_at: event.createdAt,
          // The SDK types metadata as strings; Intercom takes numbers and booleans too.
          ...(event.metadata ? { metadata: event.metadata as Record<string, string> } : {}),
        }),
      ),

    unarchiveContact: (id: string) => write(() => sdk.contacts.unarchive({ contact_id: id })),

    /**
     * Deletes a contact; one Intercom no longer has counts as deleted (`found: false`), so an
     * erasure that runs twice succeeds twice. Gives Intercom's request id for the audit.
     */
    async deleteContact(id: string): Promise<{ found: boolean; requestId?: string }> {
      try {
        const { rawResponse } = await write(() =>
          sdk.contacts.delete({ contact_id: id }).withRawResponse(),
        );
        const requestId = rawResponse.headers.get('x-request-id') ?? undefined;
        return requestId === undefined ? { found: true } : { found: true, requestId };
      } catch (error) {
        if (error instanceof AppError && error.status === 404) {
          return error.requestId === undefined
            ? { found: false }
            : { found: false, requestId: error.requestId };
        }
        throw error;
      }
    },

    getContact: async (id: string): Promise<IntercomContact> =>
      requireContact(await read(() => sdk.contacts.find({ contact_id: id }))),

    /**
     * Every contact matching a search query, page by page (Intercom's cursor), as an async
     * iterator: any result size in bounded memory. Each page is its own call, with its own
     * permit. Search lags writes by minutes; fine for reconciliation, not for deciding to create.
     */
    async *searchContacts(
      query: SearchQuery,
      perPage = 150,
    ): AsyncGenerator<IntercomContact & Record<string, unknown>> {
      let startingAfter: string | undefined;
      do {
        const page = await read(() =>
          sdk.contacts.search({
            query: query as Intercom.SearchRequest['query'],
            pagination: {
              per_page: perPage,
              ...(startingAfter === undefined ? {} : { starting_after: startingAfter }),
            },
          }),
        );
        for (const contact of page.data) {
          yield contact as unknown as IntercomContact & Record<string, unknown>;
        }
        startingAfter = page.response.pages?.next?.starting_after ?? undefined;
      } while (startingAfter);
    },

    /**
     * The contact with this external_id, or undefined when there is none. Users first by
     * `GET /contacts/find_by_external_id/…` (a direct lookup: no search lag); Intercom
     * documents that lookup for users only, so when it finds none a search follows (leads
     * can carry an external_id too; search lags writes by minutes).
     */
    async findContactByExternalId(externalId: string): Promise<IntercomContact | undefined> {
      try {
        return requireContact(
          await read(() => sdk.contacts.showContactByExternalId({ external_id: externalId })),
        );
      } catch (error) {
        if (!(error instanceof AppError && error.status === 404)) throw error;
      }
      const page = await read(() =>
        sdk.contacts.search({
          query: { field: 'external_id', operator: '=', value: externalId },
          pagination: { per_page: 1 },
        }),
      );
      return page.data[0];
    },

    /** Merges a lead into a user; the user is what remains. */
    mergeContacts: async (leadId: string, userId: string): Promise<IntercomContact> =>
      requireContact(
        await write(() => sdk.contacts.mergeLeadInUser({ from: leadId, into: userId })),
      ),

    archiveContact: (id: string) => write(() => sdk.contacts.archive({ contact_id: id })),
  };
}

/** The Intercom client: its calls, and the same client with a guard around its writes. */
export type IntercomClient = ReturnType<typeof intercomCalls> & {
  /** The same client with `guard` around each of its writes; reads go as they are. */
  withWriteGuard(guard: WriteGuard): IntercomClient;
};

export function intercomClientOver(sdk: Sdk, read: Send, write: Send): IntercomClient {
  return {
    ...intercomCalls(sdk, read, write),
    withWriteGuard: (guard) =>
      intercomClientOver(sdk, read, (operation) => guard(() => write(operation))),
  };
}
