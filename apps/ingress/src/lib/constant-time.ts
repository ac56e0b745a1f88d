import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time independent of where they differ. Both are hashed first:
 * timingSafeEqual throws on unequal lengths (a 500 waiting to happen) and would leak the length.
 * The hash reads UTF-16 code units, not UTF-8: UTF-8 turns every lone surrogate into U+FFFD,
 * so different strings would compare equal.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(Buffer.from(a, 'utf16le')).digest();
  const right = createHash('sha256').update(Buffer.from(b, 'utf16le')).digest();
  return timingSafeEqual(left, right);
}

/** True when `candidate` equals any of `accepted`, checking all of them (no early exit). */
export function matchesAny(candidate: string, accepted: readonly string[]): boolean {
  let found = false;
  for (const value of accepted) found = constantTimeEqual(candidate, value) || found;
  return found;
}
