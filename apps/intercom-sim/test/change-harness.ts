import { afterEach, expect, vi } from 'vitest';
import type { SimulatorOptions } from '../src/options.ts';
import type { Notification } from '../src/webhooks/notification.ts';
import { token, useListeningSimulators } from './helpers.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

/** An answer over HTTP; `body` is whatever JSON came back (the test knows its shape). */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers of many shapes
export type HttpAnswer = { status: number; body: any };

/**
 * A listening simulator with a real webhook receiver, for tests of changes made on Intercom's
 * side: `control` calls `/__sim/…`, `api` calls the Intercom API with the token, and
 * `notification(topic)` waits for the first notification of that topic.
 */
export function useChangeHarness() {
  const listen = useListeningSimulators();
  const receivers: Awaited<ReturnType<typeof startWebhookReceiver>>[] = [];
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  return async (options: SimulatorOptions = {}) => {
    const receiver = await startWebhookReceiver();
    receivers.push(receiver);
    const received = receiver.received;
    const sim = await listen({ webhookUrls: [receiver.url], ...options });

    async function call(path: string, method: string, body: unknown, auth: boolean) {
      const headers: Record<string, string> = auth ? { authorization: `Bearer ${token}` } : {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${sim.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    }

    return {
      sim,
      received,
      control: (method: string, path: string, body?: unknown): Promise<HttpAnswer> =>
        call(`/__sim/${path}`, method, body, false),
      api: (method: string, path: string, body?: unknown): Promise<HttpAnswer> =>
        call(path, method, body, true),
      /** The first notification of `topic` the receiver got (waits for it). */
      notification: (topic: string): Promise<Notification> =>
        vi.waitFor(() => {
          const found = received.find((r) => r.body.topic === topic);
          expect(found, `a ${topic} notification`).toBeDefined();
          return (found as (typeof received)[number]).body;
        }),
      topics: () => received.map((r) => r.body.topic),
    };
  };
}
