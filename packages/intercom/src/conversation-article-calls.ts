import type { Intercom, IntercomClient as Sdk } from 'intercom-client';
import type { ArticleWrite, ConversationPart, SearchQuery, Send } from './client-types.ts';
import { requireId } from './require-id.ts';

/** Conversations and help-center articles: the calls that are not about contacts (see intercomCalls). */
export function conversationAndArticleCalls(sdk: Sdk, read: Send, write: Send) {
  /** Walks a page-numbered list, one call per page, until a short or empty page. */
  async function* pagesOf(
    load: (page: number) => Promise<{ data: unknown[] }>,
    perPage: number,
  ): AsyncGenerator<Record<string, unknown> & { id: string }> {
    for (let page = 1; ; page += 1) {
      const { data } = await read(() => load(page));
      for (const item of data) yield item as Record<string, unknown> & { id: string };
      if (data.length < perPage) return;
    }
  }

  return {
    /** An admin's reply (`comment`, seen by the customer) or internal `note`. */
    replyToConversation: (
      conversationId: string,
      reply: { kind: 'comment' | 'note'; adminId: string; body: string },
    ) =>
      write(() =>
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
      write(() =>
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
      const conversation = await read(() =>
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
        const page = await read(() =>
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
        await write(() =>
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
  };
}
