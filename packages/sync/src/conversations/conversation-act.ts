import type { IntercomClient } from '@relay/intercom';
import type { ConversationActionJob } from '@relay/jobs';
import type { RunContext } from '../records/run-context.ts';

export type ConversationActDeps = { intercom: IntercomClient };

export type ConversationActResult = { action: ConversationActionJob['action']; sent: boolean };

/**
 * An admin's reply, note or close. A reply is not idempotent at Intercom, so a job that ran
 * before (its worker died, or a retry after a timeout whose reply may have landed) first
 * looks for its own part in the conversation (same admin, same text, since the request) and
 * does not post it twice. Closing an already closed conversation changes nothing.
 */
export async function conversationAct(
  job: ConversationActionJob,
  deps: ConversationActDeps,
  context: RunContext,
): Promise<ConversationActResult> {
  const { conversationId, action, adminId, body } = job;
  if (action === 'close') {
    await deps.intercom.closeConversation(conversationId, adminId, body);
    return { action, sent: true };
  }
  if (context.startedBefore && (await alreadyPosted(job, deps))) return { action, sent: false };
  await deps.intercom.replyToConversation(conversationId, {
    kind: action === 'reply' ? 'comment' : 'note',
    adminId,
    body: body ?? '',
  });
  return { action, sent: true };
}

async function alreadyPosted(
  job: ConversationActionJob,
  deps: ConversationActDeps,
): Promise<boolean> {
  const since = Math.floor(job.requestedAt / 1000) - 1;
  const parts = await deps.intercom.conversationParts(job.conversationId);
  return parts.some(
    (part) => part.authorId === job.adminId && part.body === job.body && part.createdAt >= since,
  );
}
