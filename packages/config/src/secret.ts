import { readFileSync, statSync } from 'node:fs';

/** A secret whose current value is read on use, so a rotated file needs no restart. */
export type Secret = {
  /** The current value. */
  get(): string;
  /** Where the value comes from, for messages (never the value). */
  readonly source: string;
};

export function staticSecret(value: string, source: string): Secret {
  return { get: () => value, source };
}

/** How often a file secret's file is looked at (one stat), at most. */
const RECHECK_MS = 250;

/**
 * A secret read from a file (Docker/Kubernetes secrets, Vault agent). The file is re-read
 * whenever its modification time, size or inode changes, looked at no more than every
 * 250 ms: a secret is read on every Intercom call and every webhook, and a stat each time
 * was a syscall per request. A trailing newline is dropped. If the file vanishes
 * mid-rotation, the last good value is kept rather than failing every call.
 */
export function fileSecret(path: string, now: () => number = () => performance.now()): Secret {
  let cachedValue = readValue(path);
  let cachedKey = fileKey(path) ?? '';
  let checkedAt = now();
  return {
    source: path,
    get() {
      if (now() - checkedAt < RECHECK_MS) return cachedValue;
      checkedAt = now();
      const key = fileKey(path);
      if (key !== undefined && key !== cachedKey) {
        const value = readValue(path);
        if (value !== '') cachedValue = value;
        cachedKey = key;
      }
      return cachedValue;
    },
  };
}

function fileKey(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

function readValue(path: string): string {
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}
