import { notificationFixture, signWebhook } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { useTestApp, WEBHOOK_SECRET } from './test-app.ts';

const app = useTestApp();

function post(body: string, headers: Record<string, string> = {}) {
  return app().app.inject({
    method: 'POST',
    url: '/webhooks/intercom',
    payload: body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('POST /webhooks/intercom', () => {
  it('stores a signed notification as a job whose id is the notification id', async () => {
    const notification = notificationFixture();
    const body = JSON.stringify(notification);
    const response = await post(body, { 'x-hub-signature': signWebhook(body, WEBHOOK_SECRET) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted', jobId: `webhook-${notification.id}` });
    const job = await app().queues.queue('webhook').getJob(`webhook-${notification.id}`);
    expect(job?.data.notification).toEqual(notification);
  });

  it('answers duplicate for a redelivered notification and stores one job', async () => {
    const notification = notificationFixture();
    const first = JSON.stringify(notification);
    const redelivery = JSON.stringify({ ...notification, delivery_attempts: 2 });
    const answers = await Promise.all([
      post(first, { 'x-hub-signature': signWebhook(first, WEBHOOK_SECRET) }),
      post(first, { 'x-hub-signature': signWebhook(first, WEBHOOK_SECRET) }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    const again = await post(redelivery, {
      'x-hub-signature': signWebhook(redelivery, WEBHOOK_SECRET),
    });
    expect(again.json().status).toBe('duplicate');
    const jobs = await app().queues.queue('webhook').getJobs(['waiting']);
    expect(jobs.filter((job) => job.data.notification.id === notification.id)).toHaveLength(1);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    [
      'sha256 prefix',
      (body: string) => signWebhook(body, WEBHOOK_SECRET).replace('sha1=', 'sha256='),
    ],
    [
      'uppercase hex',
      (body: string) => `sha1=${signWebhook(body, WEBHOOK_SECRET).slice(5).toUpperCase()}`,
    ],
    ['truncated', (body: string) => signWebhook(body, WEBHOOK_SECRET).slice(0, 30)],
    ['too long', (body: string) => `${signWebhook(body, WEBHOOK_SECRET)}00`],
    ['not hex', () => `sha1=${'z'.repeat(40)}`],
    ['wrong secret', (body: string) => signWebhook(body, 'not-the-secret')],
    ['signature of another body', (body: string) => signWebhook(`${body} `, WEBHOOK_SECRET)],
  ])('rejects a %s signature with 401 and stores nothing', async (_name, sign) => {
    const notification = notificationFixture();
    const body = JSON.stringify(notification);
    const signature = typeof sign === 'function' ? sign(body) : sign;
    const response = await post(
      body,
      signature === undefined ? {} : { 'x-hub-signature': signature },
    );
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(
      await app().queues.queue('webhook').getJob(`webhook-${notification.id}`),
    ).toBeUndefined();
  });

  it('rejects a body with one bit flipped after signing', async () => {
    const body = JSON.stringify(notificationFixture());
    const signature = signWebhook(body, WEBHOOK_SECRET);
    const flipped = Buffer.from(body);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    const response = await post(flipped.toString('latin1'), { 'x-hub-signature': signature });
    expect(response.statusCode).toBe(401);
  });

  it('answers 400 with the reason for signed JSON that is malformed or not a notification', async () => {
    const truncated = '{"type":"notification_event","id":';
    const bad = await post(truncated, {
      'x-hub-signature': signWebhook(truncated, WEBHOOK_SECRET),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: 'the body is not valid JSON',
    });

    const noTopic = JSON.stringify({ ...notificationFixture(), topic: undefined });
    const missing = await post(noTopic, {
      'x-hub-signature': signWebhook(noTopic, WEBHOOK_SECRET),
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('/topic is required');
  });

  it('refuses other media types with 415 and oversize bodies with 413', async () => {
    const wrongType = await app().app.inject({
      method: 'POST',
      url: '/webhooks/intercom',
      payload: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = JSON.stringify({ ...notificationFixture(), pad: 'x'.repeat(1024 * 1024) });
    const tooLarge = await post(huge, { 'x-hub-signature': signWebhook(huge, WEBHOOK_SECRET) });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers HEAD with 200 (Intercom validates the URL with it)', async () => {
    const response = await app().app.inject({ method: 'HEAD', url: '/webhooks/intercom' });
    expect(response.statusCode).toBe(200);
  });

  it('counts outcomes by topic without ids in labels', async () => {
    const text = await app().metrics.registry.getSingleMetricAsString('relay_webhooks_total');
    expect(text).toMatch(/topic="contact.user.created",outcome="accepted"/);
    expect(text).toMatch(/outcome="signature_invalid"/);
    expect(text).not.toMatch(/notif_/);
  });
});
