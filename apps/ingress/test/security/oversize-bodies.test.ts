import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp, WHOLE_INGRESS } from '../test-app.ts';
import { listen } from './raw-http.ts';

/**
 * A body over a route's limit, sent by a client that is still writing when the answer comes:
 * the client must read a 413 (it saw EPIPE/ECONNRESET, and a CRM retried the batch for ever).
 * The reset is racy, so each case runs several times.
 */
const MB = 1_000_000;
const ROUNDS = 5;
const execFileAsync = promisify(execFile);
const hasCurl = spawnSync('curl', ['--version']).status === 0;

const t = useTestApp(WHOLE_INGRESS);
let base: string;
let port: number;
let dir: string;
beforeAll(async () => {
  port = await listen(t().app);
  base = `http://127.0.0.1:${port}`;
  dir = mkdtempSync(join(tmpdir(), 'relay-oversize-'));
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CASES = [
  { name: 'a 5 MB webhook', path: '/webhooks/intercom', size: 5 * MB, limit: '1 MiB', auth: false },
  { name: 'a 20 MB CRM batch', path: '/v1/contacts', size: 20 * MB, limit: '16 MiB', auth: true },
] as const;
type Case = (typeof CASES)[number];

/** JSON of about `size` bytes: one long string, so it is over the limit and nothing else. */
function bodyOf(size: number): Buffer {
  return Buffer.from(JSON.stringify({ filler: 'x'.repeat(size) }));
}

function headersFor(c: Case): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(c.auth ? { authorization: `Bearer ${CRM_TOKEN}` } : {}),
  };
}

function expectTooLarge(status: number, text: string, c: Case) {
  expect(status, text.slice(0, 300)).toBe(413);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
  expect(body.error.message).toContain(c.limit);
}

async function expectServing() {
  const response = await fetch(`${base}/healthz`);
  expect(response.status).toBe(200);
}

/** curl printing the body, then the status on a line of its own; never throws. */
async function curl(args: string[]) {
  try {
    const { stdout, stderr } = await execFileAsync(
      'curl',
      ['-sS', '--max-time', '20', '-o', '-', '-w', '\n%{http_code}', ...args],
      { maxBuffer: 1024 * 1024 },
    );
    return { stdout, stderr, error: undefined };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', error: failed.message };
  }
}

/** node:http with a body written in pieces; resolves with the answer or rejects on a reset. */
function sendWithNodeHttp(
  c: Case,
  options: { expectContinue?: boolean; chunked?: boolean },
): Promise<{ status: number; text: string; sawContinue: boolean }> {
  const body = bodyOf(c.size);
  return new Promise((resolve, reject) => {
    let sawContinue = false;
    const request = httpRequest(`${base}${c.path}`, {
      method: 'POST',
      headers: {
        ...headersFor(c),
        ...(options.chunked
          ? { 'transfer-encoding': 'chunked' }
          : { 'content-length': String(body.length) }),
        ...(options.expectContinue ? { expect: '100-continue' } : {}),
      },
    });
    const write = () => {
      const piece = 256 * 1024;
      let at = 0;
      const next = () => {
        while (at < body.length) {
          const more = request.write(body.subarray(at, at + piece));
          at += piece;
          if (!more) return void request.once('drain', next);
        }
        request.end();
      };
      next();
    };
    request.on('continue', () => {
      sawContinue = true;
      write();
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          sawContinue,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    if (!options.expectContinue) write();
    else request.flushHeaders();
  });
}

describe.each(CASES)('$name over its limit ($limit) on a real socket', (c) => {
  it('fetch reads 413 PAYLOAD_TOO_LARGE naming the limit, never a reset', async () => {
    const body = bodyOf(c.size);
    for (let round = 0; round < ROUNDS; round++) {
      const response = await fetch(`${base}${c.path}`, {
        method: 'POST',
        headers: headersFor(c),
        body,
      });
      expectTooLarge(response.status, await response.text(), c);
    }
    await expectServing();
  });

  it('node:http sending the body (Content-Length) reads the 413', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const answer = await sendWithNodeHttp(c, {});
      expectTooLarge(answer.status, answer.text, c);
    }
  });

  it('node:http sending the body chunked, without Content-Length, reads the 413', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const answer = await sendWithNodeHttp(c, { chunked: true });
      expectTooLarge(answer.status, answer.text, c);
    }
    await expectServing();
  });

  it('with Expect: 100-continue, answers 413 instead of 100 Continue', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const answer = await sendWithNodeHttp(c, { expectContinue: true });
      expect(answer.sawContinue).toBe(false);
      expectTooLarge(answer.status, answer.text, c);
    }
    await expectServing();
  });

  it.runIf(hasCurl)('curl reads the 413, with and without Expect: 100-continue', async () => {
    const file = join(dir, `body-${c.size}.json`);
    writeFileSync(file, bodyOf(c.size));
    const auth = c.auth ? ['-H', `authorization: Bearer ${CRM_TOKEN}`] : [];
    // curl sends Expect: 100-continue for a large body unless told not to with `Expect:`.
    for (const expectHeader of [[], ['-H', 'Expect:']]) {
      for (let round = 0; round < ROUNDS; round++) {
        // Not spawnSync: the server answers from this process's event loop.
        const result = await curl([
          '-H',
          'content-type: application/json',
          ...auth,
          ...expectHeader,
          '--data-binary',
          `@${file}`,
          `${base}${c.path}`,
        ]);
        expect(result.error, `curl ${expectHeader.join(' ')}: ${result.stderr}`).toBeUndefined();
        const lines = result.stdout.trimEnd().split('\n');
        expectTooLarge(Number(lines.pop()), lines.join('\n'), c);
      }
    }
  });
});

describe('a request refused before its body has arrived', () => {
  it('a 20 MB batch with a wrong token reads its 401, never a reset', async () => {
    const body = bodyOf(20 * MB);
    for (let round = 0; round < ROUNDS; round++) {
      const response = await fetch(`${base}/v1/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token' },
        body,
      });
      expect(response.status).toBe(401);
      const answer = (await response.json()) as { error: { code: string } };
      expect(answer.error.code).toBe('UNAUTHENTICATED');
    }
    await expectServing();
  });
});
