import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Checkpoint, readCheckpoint, writeCheckpoint } from './checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'relay-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const checkpoint: Checkpoint = {
  version: 1,
  input: { size: 1234, headHash: 'a'.repeat(64) },
  rowsDone: 150,
  lastLine: 151,
  accepted: 149,
  rejected: 1,
  rejectedBytes: 88,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('checkpoint', () => {
  it('reads back what was written, leaving no temporary file', () => {
    const path = join(dir, 'round-trip.json');
    writeCheckpoint(path, checkpoint);
    writeCheckpoint(path, { ...checkpoint, rowsDone: 200 });
    expect(readCheckpoint(path)).toEqual({ ...checkpoint, rowsDone: 200 });
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(readCheckpoint(join(dir, 'none.json'))).toBeUndefined();
  });

  it('says what is wrong with a torn or foreign checkpoint, and how to go on', () => {
    const read = (text: string) => {
      const path = join(dir, 'damaged.json');
      writeFileSync(path, text);
      return () => readCheckpoint(path);
    };
    const whole = JSON.stringify(checkpoint, null, 2);
    expect(read(whole.slice(0, 60))).toThrow(
      /checkpoint .*damaged\.json is not valid JSON \(cut short, or edited by hand\?\): remove it or pass --restart/,
    );
    expect(read('')).toThrow(/is empty \(its write was cut short\?\)/);
    expect(read('[]')).toThrow(/is not a JSON object/);
    expect(read(JSON.stringify({ ...checkpoint, version: 2 }))).toThrow(/has version 2, not 1/);
    expect(read(JSON.stringify({ ...checkpoint, input: { size: 3 } }))).toThrow(
      /has no valid input/,
    );
    expect(read(JSON.stringify({ ...checkpoint, rejectedBytes: -1 }))).toThrow(
      /has no valid rejectedBytes/,
    );
  });
});
