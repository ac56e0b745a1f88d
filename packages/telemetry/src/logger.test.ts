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
});
