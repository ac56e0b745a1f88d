import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { UsageError } from '../../errors.ts';

/**
 * Where an interrupted backfill stands. Written after each acknowledged batch (after the
 * batch's rejected rows are appended to the rejected file), atomically by rename, so a crash
 * leaves either the previous or the new state.
 */
export type Checkpoint = {
  version: 1;
  /** Identifies the input: size and a hash of its first 64 KiB. */
  input: { size: number; headHash: string };
  /** Rows 1..rowsDone were acknowledged by the ingress (accepted or rejected and recorded). */
  rowsDone: number;
  /** The file line of row rowsDone. */
  lastLine: number;
  accepted: number;
  rejected: number;
  /** Length of the rejected file at this point: a resume cuts anything written after it. */
  rejectedBytes: number;
  updatedAt: string;
};

export function fingerprintInput(path: string): Checkpoint['input'] {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, head, 0, head.length, 0);
    return { size, headHash: createHash('sha256').update(head).digest('hex') };
  } finally {
    closeSync(fd);
  }
}

export function readCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
    if (value.version !== 1 || !Number.isInteger(value.rowsDone)) throw new Error('unknown shape');
    return value;
  } catch {
    throw new UsageError(`the checkpoint ${path} cannot be read; remove it or pass --restart`);
  }
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(temporary, path);
}

export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.tmp`, { force: true });
}

export function sameInput(a: Checkpoint['input'], b: Checkpoint['input']): boolean {
  return a.size === b.size && a.headHash === b.headHash;
}
