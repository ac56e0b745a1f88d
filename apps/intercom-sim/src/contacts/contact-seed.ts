import { parameterInvalid } from '../http/intercom-error.ts';
import { parseContactPatch } from './contact-input.ts';
import type { ContactStore } from './contact-store.ts';

/** A contact in a `--seed` fixture: a create body, optionally with its id and creation time. */
export type SeedContact = Record<string, unknown> & { id?: string; created_at?: number };

/** Accepts `[…]` or `{ "contacts": […] }`. */
export function parseSeedFile(json: unknown): SeedContact[] {
  const list = Array.isArray(json) ? json : (json as { contacts?: unknown } | null)?.contacts;
  if (!Array.isArray(list)) throw new Error('seed file must hold an array of contacts');
  return list as SeedContact[];
}

export function loadSeedContacts(store: ContactStore, seeds: SeedContact[]): void {
  seeds.forEach((seed, index) => {
    try {
      const { id, created_at, ...body } = seed;
      if (id !== undefined && !/^[0-9a-f]{24}$/.test(id))
        throw parameterInvalid('id must be 24 hex chars');
      store.create(parseContactPatch(body), { id, created_at });
    } catch (err) {
      throw new Error(`seed contact ${index}: ${(err as Error).message}`, { cause: err });
    }
  });
}
