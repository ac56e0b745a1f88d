/**
 * What the CLI may show of a secret or personal datum. Output of an incident terminal ends up
 * in chat and tickets: a token is never printed, an email keeps its first letter and domain.
 */

/** `a***@example.com`: enough to tell which admin, not enough to mail them. */
export function redactEmail(email: string | undefined | null): string {
  if (!email) return '(none)';
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * Tells two tokens apart without revealing one: the first 4 characters and the length, and
 * only the length for short tokens, where 4 characters would be a large share of the secret.
 */
export function tokenFingerprint(token: string): string {
  if (token.length < 16) return `(${token.length} chars)`;
  return `${token.slice(0, 4)}… (${token.length} chars)`;
}
