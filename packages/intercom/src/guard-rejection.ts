import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The SDK turns anything its `fetch` throws into a generic error carrying only the message.
 * A call refused before it left (no permit, open circuit) must reach the caller with its code
 * and wait time intact, so the refusal is kept aside for the operation that made the call.
 */
const refusals = new AsyncLocalStorage<{ error?: unknown }>();

export function runWithGuard<T>(operation: () => Promise<T>): Promise<T> {
  return refusals.run({}, operation);
}

export function guardRejection(error: unknown): unknown {
  const slot = refusals.getStore();
  if (slot) slot.error = error;
  return error;
}

/** The refusal behind the SDK's error, if the call never left. */
export function takeGuardRejection(): unknown {
  const slot = refusals.getStore();
  const error = slot?.error;
  if (slot) slot.error = undefined;
  return error;
}
