import { AppError } from '@relay/errors';
import type { Metrics } from '@relay/telemetry';
import { type Intercom, IntercomClient as Sdk } from 'intercom-client';
import type { AuthHold } from './auth-hold/auth-hold.ts';
import { createHttpTransport } from './http-transport.ts';
import { type CallObserver, createInstrumentedFetch } from './instrumented-fetch.ts';
import { toAppError } from './map-error.ts';
import { createSdkFetcher } from './sdk-fetcher.ts';

export type IntercomClientOptions = {
  /** e.g. https://api.intercom.io, a regional host, or the simulator. */
  baseUrl: string;
  /** Read on every call, so a rotated token (NAME_FILE) applies without a restart. */
  token: () => string;
  /** @defaultValue '2.14' */
  version?: string;
  /**
   * Per-call timeout; the SDK aborts the request when it passes.
   * @defaultValue 30000
   */
  timeoutMs?: number;
  metrics?: Metrics;
  observer?: CallObserver;
  /**
   * Holds calls after a 401 until a call with the token succeeds or the token changes (shared
   * by a process's clients, and through Redis by every process). With it, a 401 is retried
   * once when the token changed meanwhile: a call in flight during a rotation met the token
   * just revoked.
   */
  authHold?: AuthHold;
  /** This client probes the hold: its calls go out while others are held. @defaultValue false */
  probesAuthHold?: boolean;
  /** For tests: the fetch that reaches the network. */
  fetch?: typeof fetch;
};

export type ContactWrite = {
  role?: 'user' | 'lead';
  external_id?: string;
  email?: string;
  phone?: string;
  name?: string;
  custom_attributes?: Record<string, string | number | boolean | null>;
};

export type CompanyWrite = {
  company_id: string;
  name?: string;
  plan?: string;
  website?: string;
  industry?: string;
  size?: number;
  monthly_spend?: number;
  remote_created_at?: number;
  custom_attributes?: Record<string, string | number | boolean | null>;
};

export type ArticleWrite = {
  title: string;
  body?: string | undefined;
  description?: string | undefined;
  /** The Intercom admin who authors it (numeric id). */
  authorId: number;
  state?: 'draft' | 'published' | undefined;
  parentId?: number | undefined;
  parentType?: 'collection' | 'section' | undefined;
};

export type ConversationPart = {
  partType: string;
  body: string | null;
  authorId: string | null;
  /** Unix seconds. */
  createdAt: number;
};

export type DataAttributeInfo = {
  name: string;
  dataType: 'string' | 'integer' | 'float' | 'boolean' | 'date';
  custom: boolean;
  apiWritable: boolean;
  archived: boolean;
};

export type DataEvent = {
  externalId: string;
  name: string;
  /** Unix seconds. */
  createdAt: number;
  metadata?: Record<string, string | number | boolean> | undefined;
};

/** One search filter: a field compared with a value (dates in Unix seconds, compared by day). */
export type SearchFilter = {
  field: string;
  operator: '=' | '!=' | 'IN' | 'NIN' | '<' | '>' | '~' | '!~' | '^' | '$';
  value: string | number | boolean | null | (string | number)[];
};

/**
 * Intercom's search query: a filter, or an AND/OR group of filters and groups, e.g.
 * `role = user AND (email ~ "@acme.com" OR plan = "enterprise")`. Intercom refuses nesting
 * deeper than 2 levels or more than 15 filters per group with a 400. Our own type because
 * the SDK's cannot mix a filter and a group in one group, which Intercom allows.
 */
export type SearchQuery = SearchFilter | { operator: 'AND' | 'OR'; value: SearchQuery[] };

/** The fields of an Intercom contact the relay reads. */
export type IntercomContact = {
  id: string;
  external_id?: string | null | undefined;
  role?: string;
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  custom_attributes?: Record<string, unknown> | null;
};

/**
 * The only door to Intercom. Retries are off in the SDK (`maxRetries: 0`): retrying belongs
 * to the queue, where the rate budget and the metrics see every attempt. Every failure comes
 * out as an AppError with a code, the Intercom request_id and, for 429s, how long to wait.
 */
export function createIntercomClient(options: IntercomClientOptions) {
  const sdk = new Sdk({
    baseUrl: options.baseUrl,
    token: () => options.token(),
    version: (options.version ?? '2.14') as Sdk.Options['version'],
    maxRetries: 0,
    timeoutInSeconds: (options.timeoutMs ?? 30_000) / 1000,
    fetcher: createSdkFetcher(
      createInstrumentedFetch(
        options.metrics,
        options.observer,
        options.fetch ?? createHttpTransport(),
      ),
    ),
  });

  /** Walks a page-numbered list, one call per page, until a short or empty page. */
  async function* pagesOf(
    load: (page: number) => Promise<{ data: unknown[] }>,
    perPage: number,
  ): AsyncGenerator<Record<string, unknown> & { id: string }> {
    for (let page = 1; ; page += 1) {
      const { data } = await call(() => load(page));
      for (const item of data) yield item as Record<string, unknown> & { id: string };
      if (data.length < perPage) return;
    }
  }

  async function call<T>(operation: () => Promise<T>): Promise<T> {
    const hold = options.authHold;
    if (hold && !options.probesAuthHold) hold.admit();
    const token = hold ? options.token() : '';
    try {
      const result = await operation();
      hold?.accepted(token);
      return result;
    } catch (error) {
      const failure = toAppError(error);
      if (!hold) throw failure;
      if (failure.status !== 401) {
        if (pastAuthentication(failure.status)) hold.accepted(token);
        throw failure;
      }
      if (options.token() !== token) return call(operation); // the file was re-read: a new token
      hold.refused(token, failure);
      throw new AppError(failure.code, failure.message, {
        cause: failure.cause,
        requestId: failure.requestId,
        status: failure.status,
        details: failure.details,
        retryAfterMs: hold.checkMs,
      });
    }
  }

  return {
    /** The admin the token belongs to, with the workspace id (`app.id_code`). */
    me: () => call(() => sdk.admins.identify()),

    createContact: async (body: ContactWrite): Promise<IntercomContact> =>
      requireContact(await call(() => sdk.contacts.create(body as Intercom.CreateContactRequest))),

    updateContact: async (id: string, body: ContactWrite): Promise<IntercomContact> =>
      requireContact(
        await call(() =>
          sdk.contacts.update({ contact_id: id, ...body } as Intercom.UpdateContactRequest),
        ),
      ),

    /** Creates the company, or updates the one with this `company_id` (immutable at Intercom). */
    upsertCompany: async (body: CompanyWrite): Promise<{ id: string }> =>
      requireId(
        await call(() =>
          sdk.companies.createOrUpdate(body as Intercom.CreateOrUpdateCompanyRequest),
        ),
        'company',
      ),

    /** The workspace's data attributes of one model (names and types, to validate against). */
    listDataAttributes: async (model: 'contact' | 'company'): Promise<DataAttributeInfo[]> => {
      const list = await call(() => sdk.dataAttributes.list({ model }));
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
        await call(() =>
          sdk.companies.detachContact({ contact_id: contactId, company_id: companyId }),
        );
      } catch (error) {
        if (!(error instanceof AppError && error.status === 404)) throw error;
      }
    },

    /** Attaching a contact already attached changes nothing. */
    attachContactToCompany: (contactId: string, companyId: string) =>
      call(() => sdk.companies.attachContact({ contact_id: contactId, id: companyId })),

    /**
     * A data event for the contact with this external_id (Intercom's `user_id`). Intercom
     * answers 202 with no body, for duplicates too.
     */
    trackEvent: (event: DataEvent): Promise<void> =>
      call(() =>
        sdk.events.create({
          user_id: event.externalId,
          event_name: event.name,
          created_at: event.createdAt,
          // The SDK types metadata as strings; Intercom takes numbers and booleans too.
          ...(event.metadata ? { metadata: event.metadata as Record<string, string> } : {}),
        }),
      ),

    unarchiveContact: (id: string) => call(() => sdk.contacts.unarchive({ contact_id: id })),

    /**
     * Deletes a contact; one Intercom no longer has counts as deleted (`found: false`), so an
     * erasure that runs twice succeeds twice. Gives Intercom's request id for the audit.
     */
    async deleteContact(id: string): Promise<{ found: boolean; requestId?: string }> {
      try {
        const { rawResponse } = await call(() =>
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
      requireContact(await call(() => sdk.contacts.find({ contact_id: id }))),

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
        const page = await call(() =>
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
          await call(() => sdk.contacts.showContactByExternalId({ external_id: externalId })),
        );
      } catch (error) {
        if (!(error instanceof AppError && error.status === 404)) throw error;
      }
      const page = await call(() =>
        sdk.contacts.search({
          query: { field: 'external_id', operator: '=', value: externalId },
          pagination: { per_page: 1 },
        }),
      );
      return page.data[0];
    },

    /** An admin's reply (`comment`, seen by the customer) or internal `note`. */
    replyToConversation: (
      conversationId: string,
      reply: { kind: 'comment' | 'note'; adminId: string; body: string },
    ) =>
      call(() =>
        sdk.conversations.reply({
          conversation_id: conversationId,
          body: {
            message_type: reply.kind,
            type: 'admin',
            admin_id: reply.adminId,
            body: reply.body,
          } as Intercom.ReplyConversationRequest,
        }),
      ),

    /** Closes a conversation as an admin, with an optional closing message. */
    closeConversation: (conversationId: string, adminId: string, body?: string) =>
      call(() =>
        sdk.conversations.manage({
          conversation_id: conversationId,
          body: {
            message_type: 'close',
            type: 'admin',
            admin_id: adminId,
            ...(body === undefined ? {} : { body }),
          } as Intercom.ConversationsManageRequestBody,
        }),
      ),

    /** The parts of a conversation (replies, notes, state changes), oldest first. */
    async conversationParts(conversationId: string): Promise<ConversationPart[]> {
      const conversation = await call(() =>
        sdk.conversations.find({ conversation_id: conversationId }),
      );
      return (conversation.conversation_parts?.conversation_parts ?? []).map((part) => ({
        partType: part.part_type ?? '',
        body: part.body ?? null,
        authorId: part.author?.id ?? null,
        createdAt: part.created_at ?? 0,
      }));
    },

    /** Conversations matching a search query, page by page, as an async iterator. */
    async *searchConversations(
      query: SearchQuery,
      perPage = 150,
    ): AsyncGenerator<Record<string, unknown> & { id: string }> {
      let startingAfter: string | undefined;
      do {
        const page = await call(() =>
          sdk.conversations.search({
            query: query as Intercom.SearchRequest['query'],
            pagination: {
              per_page: perPage,
              ...(startingAfter === undefined ? {} : { starting_after: startingAfter }),
            },
          }),
        );
        for (const conversation of page.data) {
          yield conversation as unknown as Record<string, unknown> & { id: string };
        }
        startingAfter = page.response.pages?.next?.starting_after ?? undefined;
      } while (startingAfter);
    },

    /** A help-center article, as a draft or published. */
    createArticle: async (article: ArticleWrite): Promise<{ id: string }> =>
      requireId(
        await call(() =>
          sdk.articles.create({
            title: article.title,
            author_id: article.authorId,
            ...(article.body === undefined ? {} : { body: article.body }),
            ...(article.description === undefined ? {} : { description: article.description }),
            ...(article.state === undefined ? {} : { state: article.state }),
            ...(article.parentId === undefined
              ? {}
              : { parent_id: article.parentId, parent_type: article.parentType ?? 'collection' }),
          }),
        ),
        'article',
      ),

    /** Every article, page by page (Intercom pages these by number). */
    listArticles(perPage = 50) {
      return pagesOf((page) => sdk.articles.list({ page, per_page: perPage }), perPage);
    },

    /** Every help-center collection, page by page. */
    listCollections(perPage = 50) {
      return pagesOf(
        (page) => sdk.helpCenters.collections.list({ page, per_page: perPage }),
        perPage,
      );
    },

    /** Merges a lead into a user; the user is what remains. */
    mergeContacts: async (leadId: string, userId: string): Promise<IntercomContact> =>
      requireContact(
        await call(() => sdk.contacts.mergeLeadInUser({ from: leadId, into: userId })),
      ),

    archiveContact: (id: string) => call(() => sdk.contacts.archive({ contact_id: id })),
  };
}

/**
 * Intercom looked at the token and took it: a garbled 2xx, or a 4xx about the request itself
 * (403 included: the token is valid, a scope is missing); not a 401, nor a 408 (a timeout).
 */
function pastAuthentication(status: number | undefined): boolean {
  return status !== undefined && status < 500 && status !== 401 && status !== 408;
}

/**
 * A 2xx whose JSON is not what the operation answers (no id) must not pass for a result: it
 * is retried as a fault, like a 2xx whose body is not JSON at all (see map-error).
 */
function requireContact(value: unknown): IntercomContact {
  return requireId(value, 'contact') as IntercomContact;
}

function requireId(value: unknown, what: string): { id: string } {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new AppError(
      'INTERCOM_UNAVAILABLE',
      `Intercom answered 2xx with a body that is not a ${what}`,
    );
  }
  return value as { id: string };
}

export type IntercomClient = ReturnType<typeof createIntercomClient>;
