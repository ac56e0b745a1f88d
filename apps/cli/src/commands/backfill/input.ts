import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { UsageError } from '../../errors.ts';
import { mapperForHeader, type RowMapper } from './columns.ts';
import { readCsvRecords } from './csv.ts';

export type InputFormat = 'csv' | 'ndjson';

/** One data row: its number (1-based, header excluded), its line in the file, and the contact. */
export type InputRow = { row: number; line: number } & (
  | { contact: Record<string, unknown> }
  | { error: string }
);

export function formatOf(path: string, flag: string | undefined): InputFormat {
  const format =
    flag ?? (/\.csv$/i.test(path) ? 'csv' : /\.(nd)?jsonl?$/i.test(path) ? 'ndjson' : undefined);
  if (format === 'csv' || format === 'ndjson') return format;
  throw new UsageError(
    flag
      ? `--format must be csv or ndjson`
      : `cannot tell the format of ${path}: name it .csv or .ndjson, or pass --format`,
  );
}

/**
 * The rows of a CSV or NDJSON file, streamed. A CSV record that cannot be read throws
 * MalformedCsvError (after the rows before it, and instead of any row after it).
 */
export async function* readRows(path: string, format: InputFormat): AsyncGenerator<InputRow> {
  const stream = createReadStream(path);
  try {
    yield* format === 'csv' ? csvRows(stream) : ndjsonRows(stream.setEncoding('utf8'));
  } finally {
    stream.destroy();
  }
}

/** How many rows the file holds (a first pass, for the progress bar's total). */
export async function countRows(path: string, format: InputFormat): Promise<number> {
  let count = 0;
  for await (const _row of readRows(path, format)) count++;
  return count;
}

async function* csvRows(source: Readable): AsyncGenerator<InputRow> {
  let mapper: RowMapper | undefined;
  let row = 0;
  for await (const record of readCsvRecords(source)) {
    if (!mapper) {
      mapper = mapperForHeader(record.fields);
      continue;
    }
    row++;
    yield { row, line: record.line, ...mapper(record.fields) };
  }
}

async function* ndjsonRows(chunks: AsyncIterable<string>): AsyncGenerator<InputRow> {
  let buffered = '';
  let line = 0;
  let row = 0;
  const parse = (text: string): InputRow | undefined => {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    row++;
    try {
      const value = JSON.parse(trimmed) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { row, line, error: 'the line is not a JSON object' };
      }
      return { row, line, contact: value as Record<string, unknown> };
    } catch {
      return { row, line, error: 'the line is not valid JSON' };
    }
  };
  for await (const chunk of chunks) {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const text of lines) {
      const parsed = parse(text);
      if (parsed) yield parsed;
    }
  }
  const last = parse(buffered);
  if (last) yield last;
}
