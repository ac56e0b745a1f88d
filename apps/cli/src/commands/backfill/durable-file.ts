import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `text` so that a crash or power loss leaves the old file or the new
 * one, never a torn or empty one: written to a temporary file and fsynced, renamed over
 * `path`, then the directory fsynced so the rename itself is on disk when this returns.
 */
export function replaceFileDurably(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  fsyncDirectory(dirname(path));
}

/** Makes the directory's entries (a file created or renamed in it) durable. */
export function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
