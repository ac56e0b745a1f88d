import { createIntercomClient } from '@relay/intercom';
import { useSimulator } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { articleCreate } from '../src/articles/article-create.ts';
import { conversationAct } from '../src/conversations/conversation-act.ts';

const sim = useSimulator();

type Parts = { conversation_parts: { conversation_parts: { body: string | null }[] } };

describe('conversation.act run again', () => {
  it('does not post a reply twice when its earlier run already did', async () => {
    const contact = await sim.api<{ id: string }>('POST', '/contacts', { role: 'user' });
    const conversation = await sim.control<{ id: string }>('POST', 'conversations', {
      contact_id: contact.id,
    });
    const { admins } = await sim.api<{ admins: { id: string }[] }>('GET', '/admins');
    const deps = {
      intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    };
    const job = {
      conversationId: conversation.id,
      action: 'reply' as const,
      adminId: admins[0]?.id ?? '',
      body: 'On its way.',
      requestedAt: Date.now(),
    };
    const context = { jobId: 'conversation-x-1', attempt: 1, startedBefore: false };
    expect(await conversationAct(job, deps, context)).toEqual({ action: 'reply', sent: true });
    // The worker died before the job was marked done: the re-run finds its own reply.
    const rerun = await conversationAct(job, deps, { ...context, startedBefore: true });
    expect(rerun).toEqual({ action: 'reply', sent: false });
    const parts = await sim.api<Parts>('GET', `/conversations/${conversation.id}`);
    expect(
      parts.conversation_parts.conversation_parts.filter((p) => p.body === 'On its way.'),
    ).toHaveLength(1);
  });
});

describe('article.create run again', () => {
  it('does not make a second article when its earlier run already made it', async () => {
    const { admins } = await sim.api<{ admins: { id: string }[] }>('GET', '/admins');
    const deps = {
      intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    };
    const job = {
      article: { title: 'Returns', body: '<p>30 days.</p>', author_id: Number(admins[0]?.id) },
      requestedAt: Date.now(),
    };
    const context = { jobId: 'article-x', attempt: 1, startedBefore: false };
    const first = await articleCreate(job, deps, context);
    expect(first.created).toBe(true);
    const rerun = await articleCreate(job, deps, { ...context, startedBefore: true });
    expect(rerun).toEqual({ intercomId: first.intercomId, created: false });
  });
});
