/** One CSV record and the physical line it starts on (1-based; quoted fields may span lines). */
export type CsvRecord = { line: number; fields: string[] };

/**
 * An RFC 4180 CSV parser fed in chunks (so a file of any size streams): quoted fields with
 * commas, doubled quotes and line breaks; CRLF or LF; a leading BOM dropped; blank lines
 * skipped.
 */
export function createCsvParser() {
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  /** Inside quotes, a quote may end the field or start a doubled quote: decided by the next char. */
  let quoteSeen = false;
  let fieldStarted = false;
  let afterCr = false;
  let line = 1;
  let recordLine = 1;
  let first = true;
  let out: CsvRecord[] = [];

  const endField = () => {
    fields.push(field);
    field = '';
    fieldStarted = false;
    quoted = false;
    quoteSeen = false;
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) out.push({ line: recordLine, fields });
    fields = [];
  };

  function push(chunk: string): CsvRecord[] {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      if (first) {
        first = false;
        if (ch === '\uFEFF') continue;
      }
      if (afterCr) {
        afterCr = false;
        if (ch === '\n') continue; // the LF of a CRLF, already counted
      }
      if (quoted && quoteSeen) {
        quoteSeen = false;
        if (ch === '"') {
          field += '"';
          continue;
        }
        quoted = false; // the quote closed the field; this char is read as after a field
      } else if (quoted) {
        if (ch === '"') quoteSeen = true;
        else {
          if (ch === '\n') line++;
          field += ch;
        }
        continue;
      }
      if (ch === '"' && !fieldStarted) {
        quoted = true;
        fieldStarted = true;
        continue;
      }
      if (ch === ',') {
        endField();
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        afterCr = ch === '\r';
        endRecord();
        line++;
        recordLine = line;
        continue;
      }
      field += ch;
      fieldStarted = true;
    }
    const ready = out;
    out = [];
    return ready;
  }

  function end(): CsvRecord[] {
    if (fieldStarted || field !== '' || fields.length > 0) endRecord();
    const ready = out;
    out = [];
    return ready;
  }

  return { push, end };
}
