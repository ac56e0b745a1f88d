import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { signWebhook } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CRM_TOKEN, useTestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from '../test-app.ts';
import { listen } from './raw-http.ts';

/**
 * Many clients label every request `Content-Type: application/json`, bodiless ones too. Such
 * a request without a body was refused with 400 "the body is not valid JSON".
 */
const execFileAsync = promisify(execFile);
const hasCurl = spawnSync('curl', ['--version']).status === 0;

const t = useTestApp(WHOLE_INGRESS);
let base: string;
beforeAll(async () => {
  base = `http://127.0.0.1:${await listen(t().app)}`;
});

const CRM = `Bearer ${CRM_TOKEN}`;
const ADMIN = `Bearer ${ADMIN_TOKEN}`;

/** Routes that take no body, with the status of their normal answer. */
const BODILESS = [
  ['DELETE', '/v1/contacts/crm-1', CRM, 202],
  ['POST', '/v1/contacts/crm-1/archive', CRM, 202],
  ['POST', '/v1/contacts/crm-1/unarchive', CRM, 202],
  ['POST', '/admin/queues/backfill/pause', ADMIN, 200],
  ['POST', '/admin/queues/backfill/resume', ADMIN, 200],
  ['POST', '/admin/queues/backfill/retry', ADMIN, 200],
] as const;

/** Routes that need a body. */
const NEED_A_BODY = [
  ['POST', '/v1/contacts', CRM],
  ['POST', '/v1/contacts/merge', CRM],
  ['POST', '/admin/queues/backfill/drain', ADMIN],
  ['POST', '/admin/dead-letters/replay', ADMIN],
] as const;

type Answer = { status: number; text: string };

async function withFetch(method: string, path: string, auth: string, body?: string) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

/** curl, labelling the request JSON; `data` '' sends `Content-Length: 0`, undefined no body. */
async function withCurl(method: string, path: string, auth: string, data?: string) {
  const { stdout } = await execFileAsync('curl', [
    '-sS',
    '-X',
    method,
    '-H',
    `authorization: ${auth}`,
    '-H',
    'content-type: application/json',
    ...(data === undefined ? [] : ['--data-binary', data]),
    '-o',
    '-',
    '-w',
    '\n%{http_code}',
    `${base}${path}`,
  ]);
  const lines = stdout.trimEnd().split('\n');
  return { status: Number(lines.pop()), text: lines.join('\n') };
}

function expectBodyMissing(answer: Answer, context: string) {
  expect(answer.status, `${context}: ${answer.text}`).toBe(400);
  const body = JSON.parse(answer.text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('PAYLOAD_INVALID');
  expect(body.error.message, context).toMatch(/^the body is missing/);
}

describe('a bodiless request labelled application/json', () => {
  it.each(BODILESS)(
    '%s %s gets its normal answer through fetch',
    async (method, path, auth, status) => {
      // fetch sends no body for DELETE and Content-Length: 0 for POST; '' sends Content-Length: 0.
      for (const body of [undefined, '']) {
        const answer = await withFetch(method, path, auth, body);
        expect(
          answer.status,
          `${method} ${path} body ${JSON.stringify(body)}: ${answer.text}`,
        ).toBe(status);
      }
    },
  );

  it.runIf(hasCurl).each(BODILESS)(
    '%s %s gets its normal answer through curl',
    async (method, path, auth, status) => {
      for (const data of [undefined, '']) {
        const answer = await withCurl(method, path, auth, data);
        expect(
          answer.status,
          `${method} ${path} data ${JSON.stringify(data)}: ${answer.text}`,
        ).toBe(status);
      }
    },
  );
});

describe('a route that needs a body, sent none', () => {
  it.each(NEED_A_BODY)(
    '%s %s answers 400 saying the body is missing',
    async (method, path, auth) => {
      for (const body of [undefined, '']) {
        expectBodyMissing(await withFetch(method, path, auth, body), `${method} ${path} fetch`);
      }
      // Without a Content-Type either.
      const bare = await fetch(`${base}${path}`, { method, headers: { authorization: auth } });
      expectBodyMissing(
        { status: bare.status, text: await bare.text() },
        `${method} ${path} no content type`,
      );
      if (hasCurl) {
        for (const data of [undefined, '']) {
          expectBodyMissing(await withCurl(method, path, auth, data), `${method} ${path} curl`);
        }
      }
    },
  );

  it('a body that is there but not JSON is still "not valid JSON"', async () => {
    const answer = await withFetch('POST', '/v1/contacts', CRM, '{"contacts":');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toBe('the body is not valid JSON');
  });
});

describe('POST /webhooks/intercom without a body', () => {
  it('answers 400 saying the body is missing, signed or not labelled', async () => {
    const signed = await fetch(`${base}/webhooks/intercom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signWebhook('', WEBHOOK_SECRET),
      },
      body: '',
    });
    expectBodyMissing({ status: signed.status, text: await signed.text() }, 'signed empty');
    const bare = await fetch(`${base}/webhooks/intercom`, { method: 'POST' });
    expectBodyMissing({ status: bare.status, text: await bare.text() }, 'no body, no type');
  });
});
