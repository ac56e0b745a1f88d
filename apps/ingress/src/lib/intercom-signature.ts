import { timingSafeEqual } from 'node:crypto';
import { hmacSha1 } from './hmac-sha1.ts';

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
    const expected = signerFor(secret)(rawBody);
    valid = timingSafeEqual(given, expected) || valid;
  }
  return valid;
}

/** Secrets change only on rotation; a few are kept, with their padded key blocks. */
const signers = new Map<string, (data: Buffer) => Buffer>();
const MAX_SIGNERS = 8;

function signerFor(secret: string): (data: Buffer) => Buffer {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= MAX_SIGNERS) signers.clear();
    signer = hmacSha1(secret);
    signers.set(secret, signer);
  }
  return signer;
}
