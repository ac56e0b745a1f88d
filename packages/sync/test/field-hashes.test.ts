import { describe, expect, it } from 'vitest';
import {
  decodeLedger,
  decodeSnapshot,
  encodeLedger,
  encodeSnapshot,
  type FieldHashes,
  valueHash,
} from '../src/feed/field-hashes.ts';

describe('field hashes', () => {
  it('a snapshot comes back as it went, through its text form, at the extremes too', () => {
    const snapshot: FieldHashes = new Map([
      [0, 1],
      [0xffff, 2 ** 40 - 1],
      [0x8000, 2 ** 39],
      [0x1234, valueHash('someone@example.com')],
      [0x0fff, 2 ** 28],
      [0x7001, 2 ** 28 - 1],
    ]);
    const text = encodeSnapshot(snapshot);
    expect(text.length).toBe(snapshot.size * 8);
    // 7-bit characters only: one byte each in UTF-8, so Redis holds 8 bytes per field.
    expect(Buffer.byteLength(text, 'utf8')).toBe(text.length);
    const back = decodeSnapshot(Buffer.from(text, 'utf8'));
    expect([...back].sort((a, b) => a[0] - b[0])).toEqual(
      [...snapshot].sort((a, b) => a[0] - b[0]),
    );
  });

  it('an empty snapshot is an empty string, and nothing read is an empty snapshot', () => {
    expect(encodeSnapshot(new Map())).toBe('');
    expect(decodeSnapshot(undefined).size).toBe(0);
  });

  it('a ledger keeps each field’s values in order', () => {
    const ledger = new Map([
      [7, [2 ** 40 - 1, 5]],
      [0xffff, [0]],
    ]);
    expect(decodeLedger(encodeLedger(ledger))).toEqual(ledger);
  });
});
