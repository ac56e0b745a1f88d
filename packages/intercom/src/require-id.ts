import { AppError } from '@relay/errors';
import type { IntercomContact } from './client-types.ts';

/**
 * A 2xx whose JSON is not what the operation answers (no id) must not pass for a result: it
 * is retried as a fault, like a 2xx whose body is not JSON at all (see map-error).
 */
export function requireContact(value: unknown): IntercomContact {
  return requireId(value, 'contact') as IntercomContact;
}

export function requireId(value: unknown, what: string): { id: string } {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new AppError(
      'INTERCOM_UNAVAILABLE',
      `Intercom answered 2xx with a body that is not a ${what}`,
    );
  }
  return value as { id: string };
}
