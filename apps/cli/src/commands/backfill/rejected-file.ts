import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory } from './durable-file.ts';
import type { RejectedRow } from './send-batch.ts';

/**
 * `<input>.rejected.ndjson`: one `{row, line, code, message}` per rejected row. Each append
 * is fsynced, so the length a checkpoint records is on disk before the checkpoint is.
 */
export function createRejectedFile(path: string, mode: { resumeAtBytes: number } | 'fresh') {
  if (mode === 'fresh' || !existsSync(path)) {
    writeFileSync(path, '');
    fsyncDirectory(dirname(path));
  } else if (statSync(path).size > mode.resumeAtBytes) {
    // Rows written after the last checkpoint belong to a batch that is sent again.
    truncateSync(path, mode.resumeAtBytes);
  }
  return {
    path,
    append(rows: readonly RejectedRow[]) {
      if (rows.length === 0) return;
      const fd = openSync(path, 'a');
      try {
        writeSync(fd, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    bytes: () => statSync(path).size,
  };
}
