import type { WebhookNotification } from '@relay/jobs';
import { notificationFixture } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function processed(notification: WebhookNotification) {
  const h = harness as NonNullable<typeof harness>;
  const { jobId } = await h.producer.enqueueWebhook(notification);
  const { state, result } = await h.settled('webhook', jobId, 10_000);
  return { state, result };
}

const note = (topic: string, item: unknown) =>
  notificationFixture({ topic, item }) as WebhookNotification;

describe('webhook topics', () => {
  it('forgets a deleted contact, only if the map still points at it', async () => {
    harness = await startWorkerHarness();
    await harness.contacts.rememberId('crm-a', 'id-a');
    await harness.contacts.rememberId('crm-b', 'id-b-new');
    await processed(note('contact.deleted', { type: 'contact', id: 'id-a', external_id: 'crm-a' }));
    await processed(
      note('contact.deleted', { type: 'contact', id: 'id-b-old', external_id: 'crm-b' }),
    );
    expect(await harness.contacts.intercomId('crm-a')).toBeUndefined();
    expect(await harness.contacts.intercomId('crm-b')).toBe('id-b-new');
  });

  it('remaps a merge: the user keeps its id, the merged-away lead is forgotten', async () => {
    harness = await startWorkerHarness();
    await harness.contacts.rememberId('crm-lead', 'id-lead');
    const merged = await processed(
      note('contact.merged', {
        type: 'contact',
        id: 'id-user',
        external_id: 'crm-user',
        merged_from: { type: 'contact', id: 'id-lead', external_id: 'crm-lead' },
      }),
    );
    // The lead merged away, then the user as it is now (first seen: an update).
    expect(merged.result).toEqual({
      topic: 'contact.merged',
      handled: true,
      feed: ['change:contact.merged', 'change:contact.updated'],
    });
    expect(await harness.contacts.intercomId('crm-user')).toBe('id-user');
    expect(await harness.contacts.intercomId('crm-lead')).toBeUndefined();
  });

  it('maps companies by company_id and forgets deleted ones', async () => {
    harness = await startWorkerHarness();
    await processed(note('company.created', { type: 'company', id: 'co-1', company_id: 'acme' }));
    expect(await harness.companies.intercomId('acme')).toBe('co-1');
    await processed(note('company.deleted', { type: 'company', id: 'co-1', company_id: 'acme' }));
    expect(await harness.companies.intercomId('acme')).toBeUndefined();
  });

  it('records conversation notifications on the change feed, and counts topics it does not know', async () => {
    harness = await startWorkerHarness();
    const reply = note('conversation.admin.replied', { type: 'conversation', id: 'conv-1' });
    expect((await processed(reply)).result).toEqual({
      topic: 'conversation.admin.replied',
      handled: true,
    });
    const redis = new Redis(harness.redisUrl);
    try {
      const entries = await redis.xrange(`${harness.prefix}:feed:log`, '-', '+');
      expect(entries).toHaveLength(1);
      const fields = entries[0]?.[1] ?? [];
      const change = JSON.parse(fields[fields.indexOf('c') + 1] ?? '{}');
      expect(change).toMatchObject({
        type: 'conversation.admin.replied',
        data: { object: 'conversation', notification_id: reply.id, item: { id: 'conv-1' } },
      });
    } finally {
      redis.disconnect();
    }
    const unknown = await processed(note('visitor.signed_up', { type: 'visitor', id: 'v-1' }));
    expect(unknown).toEqual({
      state: 'completed',
      result: { topic: 'visitor.signed_up', handled: false },
    });
    const counted = await harness.metrics.registry.getSingleMetricAsString(
      'relay_webhook_topics_total',
    );
    expect(counted).toMatch(/family="conversation",handled="true"[^}]*\} 1/);
    expect(counted).toMatch(/family="other",handled="false"[^}]*\} 1/);
  });
});

describe('webhook.process', () => {
  it('maps the contact’s id, and keeps no personal data in the completed job', async () => {
    harness = await startWorkerHarness();
    const notification = notificationFixture({
      item: {
        type: 'contact',
        id: '6762f0dd4a5b3c2e1f0a9b8c',
        external_id: 'crm-hook',
        role: 'user',
        email: 'ada.lovelace@example.com',
        name: 'Ada Lovelace',
      },
    }) as WebhookNotification;
    const { jobId } = await harness.producer.enqueueWebhook(notification);
    const job = await harness.settled('webhook', jobId, 10_000);
    // A contact made in Intercom by someone else: a change on the feed (the result names it).
    expect(job.result).toEqual({
      topic: 'contact.user.created',
      handled: true,
      feed: ['change:contact.created'],
    });
    expect(job.data.notification).toMatchObject({ id: notification.id, redacted: true });
    expect(JSON.stringify(job.data)).not.toContain('ada.lovelace@example.com');
    expect(JSON.stringify(job.data)).not.toContain('Ada Lovelace');
    expect(await harness.contacts.intercomId('crm-hook')).toBe('6762f0dd4a5b3c2e1f0a9b8c');
    // A redelivery still finds the job: deduplication does not need the data.
    expect((await harness.producer.enqueueWebhook(notification)).duplicate).toBe(true);
  });
});
