import { createHmac } from 'node:crypto';
import { notificationFixture, signWebhook, useRedis } from '@relay/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer } from './answers.ts';
import { headerValue } from './arbitraries.ts';

const redis = useRedis();
const t = useTestApp({ ...WHOLE_INGRESS, redis });

function post(payload: string | Buffer, signature: string | string[] | undefined) {
  return t().app.inject({
    method: 'POST',
    url: '/webhooks/intercom',
    payload,
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'x-hub-signature': signature }),
    },
  });
}

async function expectRefused(payload: string | Buffer, signature: string | string[] | undefined) {
  const response = await post(payload, signature);
  expectClearAnswer(response, `POST /webhooks/intercom (${String(signature)})`);
  expect(response.statusCode, String(signature)).toBe(401);
  expect(response.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
}

const hex = (body: string) => signWebhook(body, WEBHOOK_SECRET).slice('sha1='.length);

/** Signature headers that must be refused for `body`, each named. */
function variants(body: string): [string, string | string[] | undefined][] {
  const right = signWebhook(body, WEBHOOK_SECRET);
  const sha256 = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
  return [
    ['missing', undefined],
    ['empty', ''],
    ['prefix only', 'sha1='],
    ['sha256= with the sha1 digest', `sha256=${hex(body)}`],
    ['sha256= with a sha256 digest', `sha256=${sha256}`],
    ['uppercase hex', `sha1=${hex(body).toUpperCase()}`],
    ['uppercase prefix', `SHA1=${hex(body)}`],
    ['truncated by one', right.slice(0, -1)],
    ['truncated to half', right.slice(0, 25)],
    ['one extra hex digit', `${right}0`],
    ['twice as long', `${right}${hex(body)}`],
    ['wrong length, 39 digits', `sha1=${hex(body).slice(1)}`],
    ['space after =', `sha1= ${hex(body)}`],
    ['space before =', `sha1 =${hex(body)}`],
    ['space inside the digest', `sha1=${hex(body).slice(0, 20)} ${hex(body).slice(20)}`],
    ['tab inside', `sha1=\t${hex(body)}`],
    ['missing prefix', hex(body)],
    ['base64 digest', `sha1=${Buffer.from(hex(body), 'hex').toString('base64')}`],
    ['two signatures, comma-joined (as Node joins repeated headers)', `${right}, ${right}`],
    ['two signature headers', [right, right]],
    ['two signature headers, one wrong', [right, signWebhook(body, 'other')]],
    ['not hex', `sha1=${'g'.repeat(40)}`],
    ['NUL bytes', `sha1=${'\u0000'.repeat(40)}`],
    ['signed with an empty secret', signWebhook(body, '')],
    ['signed with the secret uppercased', signWebhook(body, WEBHOOK_SECRET.toUpperCase())],
  ];
}

describe('POST /webhooks/intercom signature checks', () => {
  const body = JSON.stringify(notificationFixture());

  it.each(variants(body))('refuses a %s signature with 401', async (_name, signature) => {
    await expectRefused(body, signature);
  });

  it('refuses the right signature over a re-serialised body (whitespace, key order)', async () => {
    const signature = signWebhook(body, WEBHOOK_SECRET);
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()));
    for (const changed of [
      JSON.stringify(parsed, null, 2),
      `${body}\n`,
      ` ${body}`,
      reordered,
      body.replace(':', ' : '),
      body.replace('"notification_event"', '"notification\\u005fevent"'),
    ]) {
      expect(JSON.parse(changed)).toEqual(parsed);
      await expectRefused(changed, signature);
    }
  });

  it('refuses the right signature after any one bit of the body is flipped', async () => {
    const signature = signWebhook(body, WEBHOOK_SECRET);
    const bytes = Buffer.from(body);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 7 }), async (at, bit) => {
        const flipped = Buffer.from(bytes);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << bit);
        await expectRefused(flipped, signature);
      }),
      { seed: 20_250_704, numRuns: 200 },
    );
  });

  it('refuses any other header value with 401, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          headerValue,
          fc
            .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 })
            .map((digits) => `sha1=${digits}`),
        ),
        async (signature) => {
          await expectRefused(body, signature);
        },
      ),
      { seed: 20_250_705, numRuns: 200 },
    );
  });

  it('accepts the right signature (the checks above refuse for the right reason)', async () => {
    const response = await post(body, signWebhook(body, WEBHOOK_SECRET));
    expect(response.statusCode).toBe(200);
  });
});

describe('a flood of unsigned and badly signed webhooks', () => {
  it('writes nothing to Redis, counts every refusal, and the next signed one is stored', async () => {
    const keysBefore = await t().keyCount();
    const dbSizeBefore = await t().connection.dbsize();
    const refusedBefore = await refusals();
    const FLOOD = 2_000;
    for (let wave = 0; wave < FLOOD / 100; wave++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const text = JSON.stringify(notificationFixture());
          const n = wave * 100 + i;
          const signature =
            n % 4 === 0
              ? undefined
              : n % 4 === 1
                ? signWebhook(text, 'forged')
                : n % 4 === 2
                  ? `sha1=${hex(text).toUpperCase()}`
                  : 'garbage';
          const response = await post(text, signature);
          expect(response.statusCode).toBe(401);
        }),
      );
    }
    expect(await t().keyCount()).toBe(keysBefore);
    if (redis.source !== 'REDIS_URL') expect(await t().connection.dbsize()).toBe(dbSizeBefore);
    expect((await refusals()) - refusedBefore).toBe(FLOOD);

    const text = JSON.stringify(notificationFixture());
    const accepted = await post(text, signWebhook(text, WEBHOOK_SECRET));
    expect(accepted.statusCode).toBe(200);
    expect(await t().keyCount()).toBeGreaterThan(keysBefore);
  });
});

async function refusals(): Promise<number> {
  const metric = await t().metrics.webhooks.get();
  return metric.values
    .filter((value) => value.labels.outcome === 'signature_invalid')
    .reduce((sum, value) => sum + value.value, 0);
}
