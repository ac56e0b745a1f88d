import { notificationFixture, signWebhook } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { useTestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer } from './answers.ts';
import { pathsOf, replaceAt } from './arbitraries.ts';
import { describeRequest, requestFor } from './requests.ts';
import { ROUTES } from './routes.ts';

const MiB = 1024 * 1024;
/** The batch routes take up to 1,000 items; every other body is limited to 1 MiB. */
const LARGE_BODY_ROUTES = new Set(['/v1/contacts', '/v1/companies', '/v1/events']);
const BODY_ROUTES = ROUTES.filter((route) => route.body);

const t = useTestApp(WHOLE_INGRESS);

const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** The valid body as text with its last leaf replaced by raw JSON text. */
function withLeaf(body: unknown, leafText: string): string {
  const leaves = pathsOf(body).filter((path) => path.length > 0);
  const marker = '__LEAF__';
  return JSON.stringify(replaceAt(body, leaves.at(-1) ?? [], marker)).replace(
    `"${marker}"`,
    leafText,
  );
}

describe.each(BODY_ROUTES.map((route) => [`${route.method} ${route.template}`, route] as const))(
  '%s with very large or very deep input',
  (_name, route) => {
    const limit = LARGE_BODY_ROUTES.has(route.template) ? 16 * MiB : MiB;
    const body = route.body?.() ?? {};
    const send = (text: string) => {
      const request = requestFor(route, { body: text });
      return t()
        .app.inject(request)
        .then((response) => {
          expectClearAnswer(response, describeRequest(request));
          return response;
        });
    };

    it('refuses 100,000 nested arrays as the body with 400', async () => {
      const response = await send(deepArray(100_000));
      expect(response.statusCode).toBe(400);
    });

    it('answers 100,000 nested objects inside a field without a 5xx', async () => {
      const response = await send(withLeaf(body, deepObject(100_000)));
      if (route.template === '/webhooks/intercom') {
        expect(response.statusCode).toBe(400);
        expect(response.json().error.message).toMatch(/nests deeper than/);
      }
    });

    it('answers a string just under the body limit in a field without a 5xx', async () => {
      await send(withLeaf(body, JSON.stringify('x'.repeat(limit - 1_024))));
    });

    it('answers a body of 20,000 unknown keys without a 5xx', async () => {
      const keys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
      await send(JSON.stringify({ ...(body as object), ...keys }));
    });

    it('refuses a body over its limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const response = await send(withLeaf(body, JSON.stringify('x'.repeat(limit + 1))));
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  },
);

describe('a signed webhook nested too deep to store', () => {
  it('is refused with 400 (it was a 503, which Intercom retries for ever) and stores nothing', async () => {
    const before = await t().keyCount();
    const notification = { ...notificationFixture(), data: { item: '__ITEM__' } };
    for (const levels of [100, 5_000, 150_000]) {
      const text = JSON.stringify(notification).replace('"__ITEM__"', deepObject(levels));
      const response = await t().app.inject({
        method: 'POST',
        url: '/webhooks/intercom',
        payload: text,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': signWebhook(text, WEBHOOK_SECRET),
        },
      });
      expect(response.statusCode, `${levels} levels`).toBe(400);
      expect(response.json().error).toEqual({
        code: 'PAYLOAD_INVALID',
        message: 'the body nests deeper than 64 levels',
      });
    }
    expect(await t().keyCount()).toBe(before);
  });

  it('still stores a notification nested as deep as Intercom nests (60 levels)', async () => {
    const notification = { ...notificationFixture(), data: { item: '__ITEM__' } };
    const text = JSON.stringify(notification).replace('"__ITEM__"', deepObject(60));
    const response = await t().app.inject({
      method: 'POST',
      url: '/webhooks/intercom',
      payload: text,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signWebhook(text, WEBHOOK_SECRET),
      },
    });
    expect(response.statusCode).toBe(200);
  });
});
