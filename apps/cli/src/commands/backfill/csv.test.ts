import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, MalformedCsvError, readCsvRecords } from './csv.ts';

/** Reads `text` fed in chunks of `chunkSize` bytes (so chunks may split a character). */
async function parse(text: string, chunkSize = Number.POSITIVE_INFINITY) {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const records: CsvRecord[] = [];
  for await (const record of readCsvRecords(Readable.from(chunks))) records.push(record);
  return records;
}

/** The records read before the error, and the error. */
async function failure(text: string) {
  const records: CsvRecord[] = [];
  try {
    for await (const record of readCsvRecords(Readable.from([Buffer.from(text)])))
      records.push(record);
  } catch (error) {
    return { records, error: error as MalformedCsvError };
  }
  throw new Error('read without an error');
}

describe('readCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and keeps their start line', async () => {
    const text = 'a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,row';
    expect(await parse(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
      { line: 5, fields: ['last', 'row'] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries, with a BOM, CRLF and a multibyte character', async () => {
    const text =
      '\uFEFFid,name\r\n1,"A ""quoted"", name"\r\n\r\n2,"multi\r\nline"\r\n3,Zoë\r\n4,"two\rCRs\r"\r\n';
    const whole = await parse(text);
    expect(whole).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'A "quoted", name'] },
      { line: 4, fields: ['2', 'multi\r\nline'] },
      { line: 6, fields: ['3', 'Zoë'] },
      { line: 7, fields: ['4', 'two\rCRs\r'] },
    ]);
    for (const size of [1, 2, 3, 7]) expect(await parse(text, size)).toEqual(whole);
  });

  it('keeps empty fields, skips empty lines and reads CR line ends', async () => {
    expect(await parse('a,,c\n\n,,\n\n')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 3, fields: ['', '', ''] },
    ]);
    expect(await parse('id,name\r1,Ann\r\r2,Bob\r')).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Ann'] },
      { line: 4, fields: ['2', 'Bob'] },
    ]);
  });

  it('stops at a quote never closed, naming the line it opens on, with no record after it', async () => {
    const { records, error } = await failure('id,name\n1,"Ann\n2,Bob\n3,Cy\n');
    expect(records).toEqual([{ line: 1, fields: ['id', 'name'] }]);
    expect(error).toBeInstanceOf(MalformedCsvError);
    expect(error.line).toBe(2);
    expect(error.message).toBe(
      'line 2: a quoted field opened in this row is never closed (every line after it would be read into that field)',
    );
  });

  it('stops at a row with more or fewer fields than the header', async () => {
    const fewer = await failure('id,name\n1,Ann\n2\n3,Cy\n');
    expect(fewer.records.map((record) => record.line)).toEqual([1, 2]);
    expect(fewer.error.message).toBe('line 3: the row has 1 fields, the header 2');
    // A line of spaces is a row of one field, not an empty line.
    expect((await failure('id,name\n1,Ann\n \n')).error.message).toBe(
      'line 3: the row has 1 fields, the header 2',
    );
    expect((await failure('id,name\n1,Ann,x\n')).error.message).toBe(
      'line 2: the row has 3 fields, the header 2',
    );
  });

  it('names the line a bad row starts on after multi-line fields, CRLF in quotes and empty lines', async () => {
    const text = 'id,note\r\n1,"a\r\nb\r\nc"\r\n\r\n\r\n2,ok\r\n3,"x"y\r\n';
    const { records, error } = await failure(text);
    expect(records.map((record) => record.line)).toEqual([1, 2, 7]);
    expect(error.message).toBe(
      'line 8: field 2 has text after the quote that closes it: a quote not closed, or one inside the field not doubled ("say ""hi""")?',
    );
  });

  it('stops at a quote inside an unquoted value', async () => {
    expect((await failure('id,name\n1,O"Brien\n')).error.message).toBe(
      'line 2: field 2 has a quote inside an unquoted value: quote the whole field and double the quotes in it ("say ""hi""")',
    );
  });

  it('stops an unclosed quote after 1 MiB instead of buffering the rest of a large file', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `${i + 3},${'x'.repeat(30)}`);
    const { error } = await failure(`id,name\n1,Ann\n2,"Bob\n${rows.join('\n')}\n`);
    expect(error.message).toBe('line 3: the row is longer than 1 MiB: a quoted field not closed?');
  });
});
