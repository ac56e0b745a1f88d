import { describe, expect, it } from 'vitest';
import { createCsvParser } from './csv.ts';

function parse(text: string, chunkSize = text.length) {
  const parser = createCsvParser();
  const records = [];
  for (let i = 0; i < text.length; i += chunkSize)
    records.push(...parser.push(text.slice(i, i + chunkSize)));
  records.push(...parser.end());
  return records;
}

describe('createCsvParser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and keeps their start line', () => {
    const text = 'a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,row';
    expect(parse(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
      { line: 5, fields: ['last', 'row'] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = '\uFEFFid,name\r\n1,"A ""quoted"", name"\r\n\r\n2,"multi\r\nline"\r\n';
    const whole = parse(text);
    expect(whole).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'A "quoted", name'] },
      { line: 4, fields: ['2', 'multi\r\nline'] },
    ]);
    for (const size of [1, 2, 3, 7]) expect(parse(text, size)).toEqual(whole);
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(parse('a,,c\n\n,\n')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 3, fields: ['', ''] },
    ]);
  });
});
