import { notificationFixture, signWebhook, useRedis } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp, WEBHOOK_SECRET } from './test-app.ts';

const redis = useRedis();
const t = useTestApp({ redis });

/** Runs `work` while a queue's key holds the wrong type: Redis is up and answers WRONGTYPE. */
async function withBrokenQueue<T>(queue: string, work: () => Promise<T>): Promise<T> {
  const key = `${redis.prefix}:${queue}:meta`;
  await redis.client.set(key, 'not a hash');
  try {
    return await work();
  } finally {
    await redis.client.del(key);
  }
}

function loggedErrors(msg: string): string[] {
  return t()
    .logs.withMsg(msg)
    .map((line) => JSON.stringify(line.err));
}

describe('a store that fails with Redis up', () => {
  it('answers a push 500 INTERNAL, not 503 "Redis cannot take jobs", and logs the cause', async () => {
    const response = await withBrokenQueue('relay-sync', () =>
      t().app.inject({
        method: 'POST',
        url: '/v1/contacts',
        payload: { contacts: [{ external_id: 'crm-broken-1' }] },
        headers: { authorization: `Bearer ${CRM_TOKEN}` },
      }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL');
    expect(loggedErrors('could not store items').join()).toMatch(/WRONGTYPE/);
  });

  it('answers a webhook 500 INTERNAL and logs the cause', async () => {
    const body = JSON.stringify(notificationFixture());
    const response = await withBrokenQueue('relay-webhook', () =>
      t().app.inject({
        method: 'POST',
        url: '/webhooks/intercom',
        payload: body,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': signWebhook(body, WEBHOOK_SECRET),
        },
      }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL');
    expect(loggedErrors('could not store webhook').join()).toMatch(/WRONGTYPE/);
  });
});
