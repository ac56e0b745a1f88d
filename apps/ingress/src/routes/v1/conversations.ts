import { AppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import { type ConversationAction, ConversationActionBody } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type ConversationRoutesDeps = {
  producer: Producer;
  /** For the admin's conversation list; reads take permits from the shared budget. */
  intercomReader?: IntercomClient | undefined;
};

const ACTIONS: readonly ConversationAction[] = ['reply', 'note', 'close'];
const STATES = new Set(['open', 'closed', 'snoozed']);
const CONVERSATION_ID = /^[0-9A-Za-z_-]{1,64}$/;

/**
 * POST /v1/conversations/:conversationId/reply|note|close {admin_id, body}: queued (202
 * {jobId}); an `Idempotency-Key` header makes a repeated request the same job.
 * GET /v1/admins/:adminId/conversations?state=open&limit=50: that admin's conversations.
 */
export async function conversationRoutes(app: FastifyInstance, deps: ConversationRoutesDeps) {
  for (const action of ACTIONS) {
    app.post<{ Params: { conversationId: string }; Body: ConversationActionBody }>(
      `/v1/conversations/:conversationId/${action}`,
      { schema: { body: ConversationActionBody } },
      async (request, reply) => {
        const { conversationId } = request.params;
        if (!CONVERSATION_ID.test(conversationId)) {
          return sendError(
            reply,
            new AppError('PAYLOAD_INVALID', 'conversationId is not an Intercom conversation id'),
          );
        }
        if (action !== 'close' && request.body.body === undefined) {
          return sendError(reply, new AppError('PAYLOAD_INVALID', `body is required to ${action}`));
        }
        const key = request.headers['idempotency-key'];
        if (
          key !== undefined &&
          (typeof key !== 'string' || key.length === 0 || key.length > 255)
        ) {
          return sendError(
            reply,
            new AppError('PAYLOAD_INVALID', 'Idempotency-Key must be 1 to 255 characters'),
          );
        }
        const job = await deps.producer.enqueueConversationAction(
          {
            conversationId,
            action,
            adminId: request.body.admin_id,
            ...(request.body.body === undefined ? {} : { body: request.body.body }),
          },
          key,
        );
        return reply.code(202).send(job);
      },
    );
  }

  app.get<{ Params: { adminId: string }; Querystring: { state?: string; limit?: string } }>(
    '/v1/admins/:adminId/conversations',
    async (request, reply) => {
      const { adminId } = request.params;
      const state = request.query.state ?? 'open';
      const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
      if (!/^[0-9]{1,20}$/.test(adminId)) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'adminId must be an Intercom admin id (digits)'),
        );
      }
      if (!STATES.has(state)) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'state must be open, closed or snoozed'),
        );
      }
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'limit must be a whole number from 1 to 500'),
        );
      }
      if (!deps.intercomReader) {
        return sendError(
          reply,
          new AppError('INTERCOM_UNAVAILABLE', 'conversation reads are not configured here'),
        );
      }
      const conversations: Record<string, unknown>[] = [];
      for await (const conversation of deps.intercomReader.searchConversations({
        operator: 'AND',
        value: [
          { field: 'admin_assignee_id', operator: '=', value: Number(adminId) },
          { field: 'state', operator: '=', value: state },
        ],
      })) {
        conversations.push({
          id: conversation.id,
          state: conversation.state,
          title: conversation.title ?? null,
          created_at: conversation.created_at,
          updated_at: conversation.updated_at,
        });
        if (conversations.length >= limit) break;
      }
      return reply.send({ conversations });
    },
  );
}
