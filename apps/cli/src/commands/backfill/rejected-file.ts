import { appendFileSync, existsSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import type { RejectedRow } from './send-batch.ts';

/** `<input>.rejected.ndjson`: one `{row, line, code, message}` per rejected row. */
export function createRejectedFile(path: string, mode: { resumeAtBytes: number } | 'fresh') {
  if (mode === 'fresh') writeFileSync(path, '');
  else if (existsSync(path) && statSync(path).size > mode.resumeAtBytes) {
    // Rows written after the last checkpoint belong to a batch that is sent again.
    truncateSync(path, mode.resumeAtBytes);
  } else if (!existsSync(path)) writeFileSync(path, '');
  return {
    path,
    append(rows: readonly RejectedRow[]) {
      if (rows.length === 0) return;
      appendFileSync(path, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    },
    bytes: () => statSync(path).size,
  };
}
