import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts tokens, auth headers and personal data', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test', destination });
    logger.info(
      {
        token: 'dG9rOmFiY2RlZg==',
        req: { headers: { authorization: 'Bearer secret-value' } },
        contact: { email: 'ada@example.com', name: 'Ada Lovelace', phone: '+44 20 7946 0000' },
        payload: { anything: 'ada@example.com' },
      },
      'enqueued job',
    );
    const text = lines.join('');
    expect(text).toContain('enqueued job');
    for (const secret of [
      'dG9rOmFiY2RlZg',
      'secret-value',
      'ada@example.com',
      'Ada Lovelace',
      '7946',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('scrubs tokens, signatures, emails and phone numbers out of messages and error texts', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test', destination });
    logger.warn(
      {
        err: new Error('Intercom answered 400: grace@example.com is taken, call +1 (415) 555-0100'),
      },
      'rejected Bearer crm-live-token-123 with X-Hub-Signature sha1=0123456789abcdef0123456789abcdef01234567',
    );
    logger.info(
      { detail: { note: 'token dG9rOmxpdmUtdG9rZW4tMTIz' } },
      'at 2026-11-24T22:05:00Z took 1500 ms',
    );
    const text = lines.join('');
    for (const secret of [
      'grace@example.com',
      '555-0100',
      'crm-live-token-123',
      '0123456789abcdef0123456789abcdef01234567',
      'dG9rOmxpdmUtdG9rZW4tMTIz',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('2026-11-24T22:05:00Z took 1500 ms');
    expect(text).toContain('Intercom answered 400');
  });

  it("logs an error's code and its causes' messages and stacks, scrubbed like the rest", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test', destination });
    const root = Object.assign(new Error('WRONGTYPE Operation against ada@example.com'), {
      code: 'ERR_REPLY',
    });
    const wrapped = Object.assign(
      new Error('the job store refused the operation', { cause: root }),
      {
        code: 'INTERNAL',
        request: { headers: { authorization: 'Bearer crm-live-token-123' } },
      },
    );
    logger.error({ err: wrapped }, 'request failed');
    const { err } = JSON.parse(lines.join('')) as {
      err: { code: string; message: string; stack: string; request?: unknown };
    };
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toBe(
      'the job store refused the operation: WRONGTYPE Operation against [email]',
    );
    expect(err.stack).toMatch(/caused by: Error: WRONGTYPE Operation against \[email\]/);
    expect(err.request).toBeUndefined();
    expect(lines.join('')).not.toContain('crm-live-token-123');
  });
});
