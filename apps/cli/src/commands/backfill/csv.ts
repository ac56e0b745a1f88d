import type { Readable } from 'node:stream';
import { CsvError, type Options, parse } from 'csv-parse';
import { CliError } from '../../errors.ts';

/** One CSV record and the line it starts on (1-based; a quoted field may span lines). */
export type CsvRecord = { line: number; fields: string[] };

/**
 * A record that cannot be read. Nothing after it can be trusted (an unclosed quote takes
 * every following line into one field), so reading stops here.
 */
export class MalformedCsvError extends CliError {
  readonly line: number;
  constructor(line: number, problem: string, options?: { cause?: unknown }) {
    super(`line ${line}: ${problem}`, undefined, options);
    this.name = 'MalformedCsvError';
    this.line = line;
  }
}

/** Far above any real contact; bounds what an unclosed quote can buffer before it is reported. */
const MAX_RECORD_BYTES = 1024 * 1024;

const OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  max_record_size: MAX_RECORD_BYTES,
  // Strict on purpose: a stray quote or a missing cell is a broken export, not a row to guess at.
  relax_column_count: false,
  relax_quotes: false,
} satisfies Options;

/**
 * The records of an RFC 4180 CSV stream (the first is the header): quoted fields with
 * commas, doubled quotes and line breaks; CRLF, LF or CR; a leading BOM dropped; empty lines
 * skipped. Every record must have as many fields as the header. Yields every record before
 * a bad one, then throws MalformedCsvError naming the line the bad record starts on.
 */
export async function* readCsvRecords(source: Readable): AsyncGenerator<CsvRecord> {
  // csv-parse's own line count is off after a CRLF inside quotes, so lines are counted here:
  // a record spans one line plus the line breaks inside its fields, then come skipped lines.
  let linesOfRecords = 0;
  let headerLength = 0;
  // Parsed but not yet yielded, with their lines (the stream carries only the fields). A
  // parse error destroys the stream with some still in its buffer, and they are good records.
  const pending: CsvRecord[] = [];
  const parser = parse({
    ...OPTIONS,
    on_record: (fields, info) => {
      pending.push({ line: 1 + linesOfRecords + info.empty_lines, fields });
      linesOfRecords += 1 + lineBreaks(fields);
      if (headerLength === 0) headerLength = fields.length;
      return fields;
    },
  });
  source.once('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const _record of parser) yield pending.shift() as CsvRecord;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    yield* pending.splice(0);
    const line = 1 + linesOfRecords + Number(error.empty_lines ?? 0);
    throw new MalformedCsvError(line, problemOf(error, headerLength), { cause: error });
  } finally {
    source.unpipe(parser);
    parser.destroy();
  }
}

function lineBreaks(fields: string[]): number {
  let count = 0;
  for (const field of fields) {
    if (field.includes('\n') || field.includes('\r'))
      count += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return count;
}

function problemOf(error: CsvError, headerLength: number): string {
  const field = typeof error.column === 'number' ? `field ${error.column + 1}` : 'a field';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field opened in this row is never closed (every line after it would be read into that field)';
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB: a quoted field not closed?`;
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const length = Array.isArray(error.record) ? error.record.length : '?';
      return `the row has ${length} fields, the header ${headerLength}`;
    }
    case 'INVALID_OPENING_QUOTE':
      return `${field} has a quote inside an unquoted value: quote the whole field and double the quotes in it ("say ""hi""")`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `${field} has text after the quote that closes it: a quote not closed, or one inside the field not doubled ("say ""hi""")?`;
    default:
      return `the row cannot be read (${error.code})`;
  }
}
