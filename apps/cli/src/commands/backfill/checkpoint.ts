import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { UsageError } from '../../errors.ts';
import { replaceFileDurably } from './durable-file.ts';

/**
 * Where an interrupted backfill stands. Written after each acknowledged batch (after the
 * batch's rejected rows are appended to the rejected file and fsynced), through a fsynced
 * temporary file renamed over it, so a crash or power loss leaves the previous or the new
 * state; the batch counts as checkpointed only once the write has returned.
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

/** The checkpoint at `path`, or undefined if there is none; a damaged one is a usage error. */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(
      `cannot read the checkpoint ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const parsed = parseCheckpoint(text);
  if ('problem' in parsed) {
    throw new UsageError(
      `the checkpoint ${path} ${parsed.problem}: remove it or pass --restart (every row is sent again)`,
    );
  }
  return parsed.checkpoint;
}

const COUNTS = ['rowsDone', 'lastLine', 'accepted', 'rejected', 'rejectedBytes'] as const;

function parseCheckpoint(text: string): { checkpoint: Checkpoint } | { problem: string } {
  if (text.trim() === '') return { problem: 'is empty (its write was cut short?)' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON (cut short, or edited by hand?)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'is not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  if (record.version !== 1) {
    return { problem: `has version ${JSON.stringify(record.version)}, not 1` };
  }
  const input = record.input as Record<string, unknown> | undefined;
  if (!isCount(input?.size) || typeof input?.headHash !== 'string') {
    return { problem: 'has no valid input (size and headHash)' };
  }
  const bad = COUNTS.find((key) => !isCount(record[key]));
  if (bad) return { problem: `has no valid ${bad} (a whole number of at least 0)` };
  return { checkpoint: record as Checkpoint };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  replaceFileDurably(path, `${JSON.stringify(checkpoint, null, 2)}\n`);
}

export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.tmp`, { force: true });
}

export function sameInput(a: Checkpoint['input'], b: Checkpoint['input']): boolean {
  return a.size === b.size && a.headHash === b.headHash;
}
