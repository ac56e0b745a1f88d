import { QueueNames, type WebhookNotification } from '@relay/jobs';
import { notificationFixture, waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
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
    const queue = new Queue(QueueNames.webhook, {
      connection: { url: harness.redisUrl },
      prefix: harness.prefix,
    });
    try {
      await waitFor(
        async () => (await queue.getJob(jobId))?.getState(),
        (state) => state === 'completed',
        10_000,
      );
      const job = await queue.getJob(jobId);
      expect(job?.returnvalue).toEqual({ topic: 'contact.user.created', handled: true });
      expect(job?.data.notification).toMatchObject({ id: notification.id, redacted: true });
      expect(JSON.stringify(job?.data)).not.toContain('ada.lovelace@example.com');
      expect(JSON.stringify(job?.data)).not.toContain('Ada Lovelace');
      expect(await harness.contacts.intercomId('crm-hook')).toBe('6762f0dd4a5b3c2e1f0a9b8c');
      // A redelivery still finds the job: deduplication does not need the data.
      expect((await harness.producer.enqueueWebhook(notification)).duplicate).toBe(true);
    } finally {
      await queue.close();
    }
  });
});
