import { hash } from 'node:crypto';

/**
 * The compact form of a record's fed fields (see the glossary: snapshot, ledger): per field,
 * a 16-bit id of its path and a 40-bit hash of its value, never the value itself. A snapshot
 * of ten fields is 80 bytes (encodeSnapshot), whatever the values are, and holds no personal data.
 * Null and absent are the same value: a field only has an entry while it holds something.
 */
export type FieldHashes = Map<number, number>;

/** The relay's own recent writes: per field path id, the hashes of its last values written. */
export type WriteLedger = Map<number, number[]>;

const ENTRY_BYTES = 7;
const SNAPSHOT_ENTRY_CHARS = 8;
/** How many recent values of one field the ledger keeps (a write's echo may arrive after the next write). */
const LEDGER_VALUES_PER_FIELD = 2;

/** Paths repeat (a workspace has a few dozen fields): their ids are computed once. */
const pathIds = new Map<string, number>();
const PATH_IDS_KEPT = 10_000;

export function pathId(path: string): number {
  let id = pathIds.get(path);
  if (id === undefined) {
    id = hash('sha1', path, 'buffer').readUInt16BE(0);
    if (pathIds.size >= PATH_IDS_KEPT) pathIds.clear();
    pathIds.set(path, id);
  }
  return id;
}

/**
 * A 40-bit hash of a value (two unequal values share one with a chance of 1 in 10^12). Not a
 * cryptographic hash: nothing secret is derived from it, and a value cannot be read back from
 * 40 bits of it; it is computed for every fed field of every notification, where SHA-1 cost
 * a tenth of the feed's time (bench/feed-throughput.ts). Arrays are compared as sets (tags,
 * companies): their order at Intercom means nothing.
 */
export function valueHash(value: unknown): number {
  // A string is hashed as itself after a quote, as JSON starts it: no copy made for it.
  if (typeof value === 'string') return hash53(value, QUOTE) % 2 ** 40;
  const canonical = Array.isArray(value) ? [...value].map(String).sort() : value;
  return hash53(JSON.stringify(canonical)) % 2 ** 40;
}

const QUOTE = 0x22;

/**
 * FNV-1a over the UTF-16 code units (after `lead`, if given) in two 32-bit lanes with
 * different offsets, each finished with a multiply-xorshift so every input bit reaches every
 * output bit; 53 bits out.
 */
function hash53(text: string, lead?: number): number {
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  if (lead !== undefined) {
    low = Math.imul(low ^ lead, 0x01000193);
    high = Math.imul(high ^ lead, 0x01000193) ^ (high >>> 15);
  }
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x01000193) ^ (high >>> 15);
  }
  low = Math.imul(low ^ (low >>> 16), 0x85ebca6b);
  low = Math.imul(low ^ (low >>> 13), 0xc2b2ae35) ^ (low >>> 16);
  high = Math.imul(high ^ (high >>> 16), 0x7feb352d);
  high = Math.imul(high ^ (high >>> 15), 0x846ca68b) ^ (high >>> 16);
  return (high & 0x1fffff) * 0x100000000 + (low >>> 0);
}

export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** Entries in the order given (a ledger's values of one field are newest first). */
function encodeEntries(entries: Iterable<[number, number]>): Buffer {
  const list = [...entries];
  const buffer = Buffer.alloc(list.length * ENTRY_BYTES);
  list.forEach(([id, hash], index) => {
    buffer.writeUInt16BE(id, index * ENTRY_BYTES);
    buffer.writeUIntBE(hash, index * ENTRY_BYTES + 2, 5);
  });
  return buffer;
}

function* decodeEntries(buffer: Buffer | undefined): Generator<[number, number]> {
  if (!buffer) return;
  for (let at = 0; at + ENTRY_BYTES <= buffer.length; at += ENTRY_BYTES) {
    yield [buffer.readUInt16BE(at), buffer.readUIntBE(at + 2, 5)];
  }
}

/**
 * A snapshot's entries (sorted by path id) as text of 7-bit characters, 8 per entry (the 56
 * bits of an id and a hash). Text, not bytes: a command whose arguments are all strings is
 * written as one string, where a single Buffer among them makes ioredis copy every argument
 * into a new buffer (the commit sends the change's JSON too) — a sixth of the recorder's CPU
 * (bench/feed-throughput.ts). One byte more per field than the ledger's 7.
 */
export function encodeSnapshot(snapshot: FieldHashes): string {
  const ids = [...snapshot.keys()].sort((a, b) => a - b);
  const codes: number[] = [];
  for (const id of ids) {
    const hash = snapshot.get(id) ?? EMPTY_HASH;
    const high = id * 2 ** 12 + Math.floor(hash / 2 ** 28); // 28 bits
    const low = hash % 2 ** 28; // 28 bits
    for (const part of [high, low]) {
      codes.push((part >>> 21) & 0x7f, (part >>> 14) & 0x7f, (part >>> 7) & 0x7f, part & 0x7f);
    }
  }
  return String.fromCharCode(...codes);
}

export function decodeSnapshot(buffer: Buffer | undefined): FieldHashes {
  const snapshot: FieldHashes = new Map();
  if (!buffer) return snapshot;
  const part = (at: number) =>
    ((buffer[at] ?? 0) << 21) |
    ((buffer[at + 1] ?? 0) << 14) |
    ((buffer[at + 2] ?? 0) << 7) |
    (buffer[at + 3] ?? 0);
  for (let at = 0; at + SNAPSHOT_ENTRY_CHARS <= buffer.length; at += SNAPSHOT_ENTRY_CHARS) {
    const high = part(at);
    snapshot.set(high >>> 12, (high & 0xfff) * 2 ** 28 + part(at + 4));
  }
  return snapshot;
}

export function encodeLedger(ledger: WriteLedger): Buffer {
  const entries: [number, number][] = [];
  for (const [id, hashes] of ledger) for (const hash of hashes) entries.push([id, hash]);
  return encodeEntries(entries);
}

export function decodeLedger(buffer: Buffer | undefined): WriteLedger {
  const ledger: WriteLedger = new Map();
  for (const [id, hash] of decodeEntries(buffer)) {
    const hashes = ledger.get(id) ?? [];
    hashes.push(hash);
    ledger.set(id, hashes);
  }
  return ledger;
}

/**
 * The ledger after a write of these fields: each written field's new hash first, then its
 * last other value, at most LEDGER_VALUES_PER_FIELD. A field written empty keeps the hash of
 * "empty" (0 never comes from valueHash of a value: it stands for empty).
 */
export function ledgerWith(
  ledger: WriteLedger,
  written: ReadonlyMap<string, unknown>,
): WriteLedger {
  const next: WriteLedger = new Map(ledger);
  for (const [path, value] of written) {
    const id = pathId(path);
    const hash = isEmptyValue(value) ? EMPTY_HASH : valueHash(value);
    const kept = (next.get(id) ?? []).filter((h) => h !== hash);
    next.set(id, [hash, ...kept].slice(0, LEDGER_VALUES_PER_FIELD));
  }
  return next;
}

/** Stands for "empty" in a ledger (a write that cleared a field). */
export const EMPTY_HASH = 0;
