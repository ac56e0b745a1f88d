import { hmacSha1Hex } from './hmac-sha1.ts';

const PREFIX_LENGTH = 'sha1='.length;
const HEX_DIGEST_LENGTH = 40;

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
  if (header === undefined || !isSignatureHeader(header)) return false;
  let valid = false;
  for (const secret of secrets) {
    // Anyone can sign with an empty key: an empty secret admits nobody.
    if (secret === '') continue;
    valid = digestMatches(header, signerFor(secret)(rawBody)) || valid;
  }
  return valid;
}

/** Secrets change only on rotation; a few are kept, with their padded key blocks. */
const signers = new Map<string, (data: Buffer) => string>();
const MAX_SIGNERS = 8;

function signerFor(secret: string): (data: Buffer) => string {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= MAX_SIGNERS) signers.clear();
    signer = hmacSha1Hex(secret);
    signers.set(secret, signer);
  }
  return signer;
}

/** `sha1=` and 40 lowercase hex digits (a regular expression cost more than the digest compare). */
function isSignatureHeader(header: string): boolean {
  if (header.length !== PREFIX_LENGTH + HEX_DIGEST_LENGTH || !header.startsWith('sha1=')) {
    return false;
  }
  for (let i = PREFIX_LENGTH; i < header.length; i += 1) {
    const code = header.charCodeAt(i);
    const digit = code >= 48 && code <= 57; // 0-9
    const letter = code >= 97 && code <= 102; // a-f
    if (!digit && !letter) return false;
  }
  return true;
}

/**
 * The header's 40 hex digits (after `sha1=`, format already checked) against the expected
 * digest, in time independent of where they differ: every digit is compared.
 */
function digestMatches(header: string, expected: string): boolean {
  let difference = 0;
  for (let i = 0; i < HEX_DIGEST_LENGTH; i += 1) {
    difference |= header.charCodeAt(PREFIX_LENGTH + i) ^ expected.charCodeAt(i);
  }
  return difference === 0;
}
