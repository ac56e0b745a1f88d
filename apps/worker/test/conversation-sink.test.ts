import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookNotification } from '@relay/jobs';
import { notificationFixture } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
let server: Server | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  server?.close();
});

const SECRET = 'crm-sink-secret';

describe('the HTTP conversation sink', () => {
  it('posts each conversation notification signed, and retries until the CRM takes it', async () => {
    const received: { body: string; signature: string; id: string; status: number }[] = [];
    server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      const status = received.length === 0 ? 503 : 200; // the first delivery fails
      received.push({
        body,
        signature: String(request.headers['x-relay-signature']),
        id: String(request.headers['x-relay-notification-id']),
        status,
      });
      response.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intercom/conversations`;
    harness = await startWorkerHarness([], {
      CONVERSATION_SINK: 'http',
      CONVERSATION_SINK_URL: url,
      CONVERSATION_SINK_SECRET: SECRET,
    });

    const notification = notificationFixture({
      topic: 'conversation.user.replied',
      item: { type: 'conversation', id: 'conv-9' },
    }) as WebhookNotification;
    const { jobId } = await harness.producer.enqueueWebhook(notification);
    expect((await harness.settled('webhook', jobId)).attempts).toBe(2);
    expect(received.map((delivery) => delivery.status)).toEqual([503, 200]);
    const delivered = received[1];
    expect(delivered?.id).toBe(notification.id);
    expect(JSON.parse(delivered?.body ?? '{}').data.item.id).toBe('conv-9');
    const expected = createHmac('sha256', SECRET)
      .update(delivered?.body ?? '')
      .digest('hex');
    expect(delivered?.signature).toBe(`sha256=${expected}`);
  });

  it('refuses to start without a URL and a secret', async () => {
    const { loadConfig } = await import('../src/config.ts');
    expect(() => loadConfig({ INTERCOM_ACCESS_TOKEN: 't', CONVERSATION_SINK: 'http' })).toThrow(
      /CONVERSATION_SINK_URL must be an http\(s\) URL[\s\S]*CONVERSATION_SINK_SECRET/,
    );
  });
});
