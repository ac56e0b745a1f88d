import { notificationFixture, signWebhook, useRedis } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp, WEBHOOK_SECRET } from './test-app.ts';

const redis = useRedis({ server: true });
const t = useTestApp({ redis, prefix: '{relay}' });

function postWebhook(body: string) {
  return t().app.inject({
    method: 'POST',
    url: '/webhooks/intercom',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signWebhook(body, WEBHOOK_SECRET),
    },
  });
}

const postNewWebhook = () => postWebhook(JSON.stringify(notificationFixture()));

describe('when Redis cannot store jobs', () => {
  it('answers 503 (never 2xx) to webhooks and pushes, and /readyz says unhealthy', async () => {
    const healthy = await t().app.inject({ method: 'GET', url: '/readyz' });
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json().services.redis.status).toBe('up');

    await redis.server.kill();

    const webhook = await postNewWebhook();
    expect(webhook.statusCode).toBe(503);
    expect(webhook.json().error.code).toBe('QUEUE_UNAVAILABLE');
    expect(webhook.headers['retry-after']).toBe('5');

    const push = await t().app.inject({
      method: 'POST',
      url: '/v1/contacts',
      payload: { contacts: [{ external_id: 'a' }, { external_id: 'b' }] },
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    });
    expect(push.statusCode).toBe(503);
    expect(push.json().error.code).toBe('QUEUE_UNAVAILABLE');

    const ready = await t().app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'unhealthy',
      services: { redis: { status: 'down' } },
    });

    const alive = await t().app.inject({ method: 'GET', url: '/healthz' });
    expect(alive.statusCode).toBe(200);
  });

  it('stores again once Redis is back, without a restart', async () => {
    await redis.server.restart();
    const body = JSON.stringify(notificationFixture());
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const response = await postWebhook(body);
      status = response.statusCode;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  });
});
