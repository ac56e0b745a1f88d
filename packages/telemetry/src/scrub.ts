/**
 * Redaction by value, behind the redaction by path: a secret or an address can still reach a
 * log inside a message or an error text ("Intercom answered 400: ada@example.com is invalid").
 */
const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  // Intercom access tokens are base64 of "tok:…"
  [/\bdG9rO[A-Za-z0-9+/=_-]{8,}/g, '[token]'],
  [/sha1=[0-9a-f]{40}/gi, 'sha1=[redacted]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // International phone numbers; a leading + keeps dates and durations out of it.
  [/\+\d[\d ().-]{6,}\d/g, '[phone]'],
];

export function scrubText(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

const MAX_DEPTH = 6;

/** A copy of a log record's values with every string scrubbed (objects are not mutated). */
export function scrubValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValues(item, depth + 1));
  if (value instanceof Error) {
    // Only what says what went wrong: other fields of an error may hold a request with its
    // headers. The cause stays (the logger prints its message and stack after the error's).
    const code = (value as { code?: unknown }).code;
    return scrubValues(
      {
        type: value.name,
        message: value.message,
        stack: value.stack,
        ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
        ...(value.cause instanceof Error ? { cause: value.cause } : {}),
      },
      depth,
    );
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = scrubValues(item, depth + 1);
  return copy;
}
