import { notificationFixture, signWebhook } from '@relay/testkit';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CRM_TOKEN, useTestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer } from './answers.ts';

const t = useTestApp(WHOLE_INGRESS);

const crm = { authorization: `Bearer ${CRM_TOKEN}` };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function answer(request: InjectOptions & { url: string }) {
  const response = await t().app.inject(request);
  expectClearAnswer(response, `${request.method} ${request.url}`);
  return { status: response.statusCode, error: response.json().error };
}

/** Inputs the fuzzing found answered wrongly (a 2xx, a misleading code, or a vague message). */
describe('answers to specific bad inputs', () => {
  it.each(['archive', 'unarchive'])(
    'refuses to %s a contact with an empty externalId (it queued a job for "")',
    async (verb) => {
      const keys = await t().keyCount();
      const { status, error } = await answer({
        method: 'POST',
        url: `/v1/contacts//${verb}`,
        headers: crm,
      });
      expect(status).toBe(400);
      expect(error.message).toBe('externalId must be 1 to 255 characters');
      expect(await t().keyCount()).toBe(keys);
    },
  );

  it('refuses to read a contact with an empty externalId', async () => {
    const { status, error } = await answer({ method: 'GET', url: '/v1/contacts/', headers: crm });
    expect(status).toBe(400);
    expect(error.code).toBe('PAYLOAD_INVALID');
  });

  it('refuses a repeated query parameter instead of ignoring it', async () => {
    const erasures = await answer({
      method: 'GET',
      url: '/v1/erasures?externalId=a&externalId=b',
      headers: crm,
    });
    expect(erasures).toMatchObject({
      status: 400,
      error: { message: 'externalId must be given once' },
    });
    expect(
      (await answer({ method: 'GET', url: '/v1/erasures?limit=5&limit=6', headers: crm })).status,
    ).toBe(400);
    const lane = await answer({
      method: 'GET',
      url: '/admin/dead-letters?lane=sync&lane=sync',
      headers: admin,
    });
    expect(lane).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } });
    const limit = await answer({
      method: 'GET',
      url: '/admin/dead-letters?limit=5&limit=5',
      headers: admin,
    });
    expect(limit.status).toBe(400);
  });

  it.each([
    ['text/plain', '{"contacts":[{"external_id":"a"}]}'],
    ['text/html', '<p>'],
    ['application/x-www-form-urlencoded', 'contacts=a'],
  ])(
    'refuses a %s body with 415 UNSUPPORTED_MEDIA_TYPE (text/plain was a 400 "must be object")',
    async (type, payload) => {
      for (const url of ['/v1/contacts', '/v1/contacts/merge']) {
        const { status, error } = await answer({
          method: 'POST',
          url,
          payload,
          headers: { ...crm, 'content-type': type },
        });
        expect(status, url).toBe(415);
        expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    },
  );

  it('names a __proto__ or constructor.prototype key as the reason (it said "not valid JSON")', async () => {
    const message = 'the body has a __proto__ or constructor.prototype key, which is refused';
    for (const payload of [
      '{"contacts":[{"external_id":"a","__proto__":{"polluted":"yes"}}]}',
      '{"contacts":[{"external_id":"a","constructor":{"prototype":{"polluted":"yes"}}}]}',
    ]) {
      const { status, error } = await answer({
        method: 'POST',
        url: '/v1/contacts',
        payload,
        headers: { ...crm, 'content-type': 'application/json' },
      });
      expect(status).toBe(400);
      expect(error.message).toBe(message);
    }
    const text = JSON.stringify(notificationFixture()).replace(
      '{',
      '{"__proto__":{"polluted":"yes"},',
    );
    const webhook = await answer({
      method: 'POST',
      url: '/webhooks/intercom',
      payload: text,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signWebhook(text, WEBHOOK_SECRET),
      },
    });
    expect(webhook).toMatchObject({ status: 400, error: { message } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('says what is wrong with a bad path without repeating it', async () => {
    const badEscape = await answer({ method: 'GET', url: '/v1/contacts/%E0%A4%A', headers: crm });
    expect(badEscape).toMatchObject({
      status: 400,
      error: { message: 'the request path is not valid (bad percent-encoding)' },
    });
    const tooLong = await answer({
      method: 'GET',
      url: `/v1/jobs/${'a'.repeat(1_100)}`,
      headers: crm,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.error.message).not.toContain('aaaa');
    const unknown = await answer({
      method: 'GET',
      url: '/v1/contacts/crm-42/history',
      headers: crm,
    });
    expect(unknown).toMatchObject({
      status: 404,
      error: { message: 'no route for GET /v1/contacts/…/history' },
    });
  });
});
