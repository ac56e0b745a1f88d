import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidIntercomSignature } from './intercom-signature.ts';

const body = Buffer.from('{"type":"notification_event","id":"notif_1"}');
const sign = (secret: string, data: Buffer = body) =>
  `sha1=${createHmac('sha1', secret).update(data).digest('hex')}`;

describe('isValidIntercomSignature', () => {
  it('accepts the signature of any of the current secrets', () => {
    expect(isValidIntercomSignature(body, sign('new'), ['new', 'old'])).toBe(true);
    expect(isValidIntercomSignature(body, sign('old'), ['new', 'old'])).toBe(true);
    expect(isValidIntercomSignature(body, sign('gone'), ['new', 'old'])).toBe(false);
  });

  it('refuses everything when no secret is configured, or the secret is empty', () => {
    expect(isValidIntercomSignature(body, sign(''), [])).toBe(false);
    expect(isValidIntercomSignature(body, sign('x'), [''])).toBe(false);
    expect(isValidIntercomSignature(body, sign(''), [''])).toBe(false);
  });

  it('answers false, never throws, for any header and any secrets (fixed seed)', () => {
    const header = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 90 })
        .map((hex) => `sha1=${hex}`),
      fc.constant(undefined),
    );
    const secrets = fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 3 });
    fc.assert(
      fc.property(header, secrets, (value, accepted) => {
        expect(isValidIntercomSignature(body, value, accepted)).toBe(false);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
