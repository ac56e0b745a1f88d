import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha1Hex } from './hmac-sha1.ts';

const expected = (secret: string, body: Buffer) =>
  createHmac('sha1', secret).update(body).digest('hex');

describe('hmacSha1Hex', () => {
  it('equals createHmac for any key (empty, short, block-sized, longer, non-ASCII) and body', () => {
    const key = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ minLength: 63, maxLength: 65 }),
      fc.constant(''),
    );
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 6_000 }), (secret, bytes) => {
        const body = Buffer.from(bytes);
        expect(hmacSha1Hex(secret)(body)).toBe(expected(secret, body));
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('gives each body its own digest when one signer sees bodies of every size in turn', () => {
    // The signer keeps a scratch buffer between calls: a short body after a long one must not
    // be hashed with the long one's tail, nor a body beyond the kept size with stale bytes.
    const sign = hmacSha1Hex('secret');
    const sizes = [10, 5_000, 3, 70_000, 64, 0, 4_096, 1, 65_536, 2];
    for (const [i, size] of sizes.entries()) {
      const body = Buffer.alloc(size, 97 + i);
      expect(sign(body)).toBe(expected('secret', body));
    }
  });

  it('matches RFC 2202 test case 2, and hashes a key longer than a block first', () => {
    expect(hmacSha1Hex('Jefe')(Buffer.from('what do ya want for nothing?'))).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
    const longKey = 'k'.repeat(80);
    expect(hmacSha1Hex(longKey)(Buffer.from('x'))).toBe(expected(longKey, Buffer.from('x')));
  });
});
