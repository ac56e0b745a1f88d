import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_FORMAT = /^sha1=([0-9a-f]{40})$/;

/**
 * Checks `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, raw body)>` against every
 * accepted secret (two during a rotation). Anything malformed is simply "not valid": a bad
 * header must never become a 500.
 */
export function isValidIntercomSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  const match = header ? HEADER_FORMAT.exec(header) : null;
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'hex');
  let valid = false;
  for (const secret of secrets) {
    // Anyone can sign with an empty key: an empty secret admits nobody.
    if (secret === '') continue;
    const expected = createHmac('sha1', secret).update(rawBody).digest();
    valid = timingSafeEqual(given, expected) || valid;
  }
  return valid;
}
