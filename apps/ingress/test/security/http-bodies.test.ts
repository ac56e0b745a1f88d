import { notificationFixture, signWebhook } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from '../test-app.ts';
import { exchange, listen } from './raw-http.ts';

const MiB = 1024 * 1024;
const t = useTestApp(WHOLE_INGRESS);
let port: number;
beforeAll(async () => {
  port = await listen(t().app);
});

const auth = `Authorization: Bearer ${CRM_TOKEN}\r\n`;
const head = (path: string, headers: string) =>
  `POST ${path} HTTP/1.1\r\nHost: relay\r\nConnection: close\r\nContent-Type: application/json\r\n${headers}\r\n`;

/** A body in chunked transfer encoding, cut into pieces of `size` bytes. */
function chunked(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

async function expectServing() {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(response.status).toBe(200);
}

describe('bodies over real HTTP', () => {
  it('accepts a valid push sent chunked in 7-byte pieces, and a signed webhook chunked', async () => {
    const push = Buffer.from(JSON.stringify({ contacts: [{ external_id: 'chunked-1' }] }));
    const answer = await exchange(
      port,
      Buffer.concat([
        Buffer.from(head('/v1/contacts', `${auth}Transfer-Encoding: chunked\r\n`)),
        chunked(push, 7),
      ]),
    );
    expect(answer.status, answer.text).toBe(202);

    const text = JSON.stringify(notificationFixture());
    const webhook = await exchange(
      port,
      Buffer.concat([
        Buffer.from(
          head(
            '/webhooks/intercom',
            `X-Hub-Signature: ${signWebhook(text, WEBHOOK_SECRET)}\r\nTransfer-Encoding: chunked\r\n`,
          ),
        ),
        chunked(Buffer.from(text), 13),
      ]),
    );
    expect(webhook.status, webhook.text).toBe(200);
  });

  it('refuses a chunked body that grows past the limit with 413, and keeps serving', async () => {
    const huge = Buffer.from(
      JSON.stringify({ lead_external_id: 'x'.repeat(2 * MiB), user_external_id: 'y' }),
    );
    const answer = await exchange(
      port,
      Buffer.concat([
        Buffer.from(head('/v1/contacts/merge', `${auth}Transfer-Encoding: chunked\r\n`)),
        chunked(huge, 64 * 1024),
      ]),
    );
    expect(answer.status, answer.text.slice(0, 200)).toBe(413);
    expect(answer.text).toContain('"PAYLOAD_TOO_LARGE"');
    await expectServing();
  });

  it('refuses a declared Content-Length over the limit at once, before any body arrives', async () => {
    for (const [path, headers] of [
      ['/webhooks/intercom', ''],
      ['/v1/contacts', auth],
      ['/v1/articles', auth],
    ] as const) {
      const answer = await exchange(port, head(path, `${headers}Content-Length: ${100 * MiB}\r\n`));
      expect(answer.status, `${path}: ${answer.text.slice(0, 200)}`).toBe(
        path === '/webhooks/intercom' ? 413 : 413,
      );
      expect(answer.text).toContain('"PAYLOAD_TOO_LARGE"');
    }
    await expectServing();
  });

  it.each([
    [
      'Content-Length and Transfer-Encoding together (request smuggling)',
      `${auth}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n`,
      '0\r\n\r\n',
    ],
    [
      'a chunk size that is not hex',
      `${auth}Transfer-Encoding: chunked\r\n`,
      'zz\r\n{}\r\n0\r\n\r\n',
    ],
    [
      'two Content-Length headers that differ',
      `${auth}Content-Length: 2\r\nContent-Length: 3\r\n`,
      '{}',
    ],
    ['a negative Content-Length', `${auth}Content-Length: -1\r\n`, '{}'],
    ['a Content-Length shorter than the body', `${auth}Content-Length: 5\r\n`, '{"contacts":[]}'],
    ['a header line without a colon', `${auth}Broken header\r\n`, ''],
    ['a NUL in a header value', `${auth}X-Test: a\u0000b\r\n`, ''],
  ])('answers %s with a 4xx and keeps serving', async (_name, headers, body) => {
    const answer = await exchange(port, `${head('/v1/contacts', headers)}${body}`);
    expect(answer.status, answer.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await expectServing();
  });

  it('answers headers past 16 KiB, and a 100 KiB URL, with a 4xx', async () => {
    const big = await exchange(
      port,
      head('/v1/contacts', `${auth}X-Big: ${'a'.repeat(20_000)}\r\n`),
    );
    expect(big.status).toBe(431);
    const url = await exchange(
      port,
      `GET /v1/jobs/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: relay\r\n\r\n`,
    );
    expect(url.status).toBeGreaterThanOrEqual(400);
    expect(url.status).toBeLessThan(500);
    await expectServing();
  });

  it('stores nothing from a body cut off mid-way by the client', async () => {
    const keys = await t().keyCount();
    const body = JSON.stringify({ contacts: [{ external_id: 'cut-off-1' }] });
    const answer = await exchange(
      port,
      `${head('/v1/contacts', `${auth}Content-Length: ${body.length}\r\n`)}${body.slice(0, 10)}`,
      300,
    );
    expect(answer.closed).toBe(false); // the server still waits; the client goes away
    await expectServing();
    expect(await t().keyCount()).toBe(keys);
  });
});
