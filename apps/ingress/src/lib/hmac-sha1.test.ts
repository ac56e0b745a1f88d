import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha1 } from './hmac-sha1.ts';

describe('hmacSha1', () => {
  it('equals createHmac for any key (empty, short, block-sized, longer, non-ASCII) and body', () => {
    const key = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ minLength: 63, maxLength: 65 }),
      fc.constant(''),
    );
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 4_000 }), (secret, bytes) => {
        const body = Buffer.from(bytes);
        expect(hmacSha1(secret)(body)).toEqual(createHmac('sha1', secret).update(body).digest());
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('matches RFC 2202 test case 2, and hashes a key longer than a block first', () => {
    expect(hmacSha1('Jefe')(Buffer.from('what do ya want for nothing?')).toString('hex')).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
    const longKey = 'k'.repeat(80);
    expect(hmacSha1(longKey)(Buffer.from('x'))).toEqual(
      createHmac('sha1', longKey).update('x').digest(),
    );
  });
});
