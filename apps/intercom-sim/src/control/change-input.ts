import { parameterInvalid, parameterNotFound } from '../http/intercom-error.ts';

/**
 * The body of a change, limited to the fields that change may set: anything else is a 400
 * (a typo in a test would otherwise change nothing, silently). `atLeastOne`: an edit must
 * change something.
 */
export function pickFields(
  body: unknown,
  allowed: readonly string[],
  atLeastOne = false,
): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw parameterInvalid('Request body must be a JSON object');
  }
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw parameterInvalid(`${unknown.join(', ')}: not one of ${allowed.join(', ')}`);
  }
  if (atLeastOne && Object.keys(body).length === 0) {
    throw parameterNotFound(`give at least one of ${allowed.join(', ')}`);
  }
  return body as Record<string, unknown>;
}

/** A required non-empty string field of a change's body. */
export function requiredString(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[field];
  if (typeof value !== 'string' || value === '') {
    throw parameterNotFound(`${field} (a non-empty string) is required`);
  }
  return value;
}
