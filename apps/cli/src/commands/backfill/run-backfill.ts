import { CliError } from '../../errors.ts';
import type { Io } from '../../io.ts';
import { createProgress } from '../../output/progress.ts';
import { type Checkpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { MalformedCsvError } from './csv.ts';
import { countRows, type InputFormat, type InputRow, readRows } from './input.ts';
import { catchInterrupt } from './interrupt.ts';
import { createRejectedFile } from './rejected-file.ts';
import { BatchInterrupted, type BatchItem, type RejectedRow, sendBatch } from './send-batch.ts';

export type BackfillPlan = {
  file: string;
  format: InputFormat;
  url: string;
  token: string;
  statePath: string;
  rejectedPath: string;
  batchSize: number;
  /** 0: as fast as the ingress answers. */
  rowsPerSecond: number;
  maxRetries: number;
  input: Checkpoint['input'];
  resumeFrom: Checkpoint | undefined;
};

export type BackfillResult = {
  total: number;
  rowsDone: number;
  accepted: number;
  rejected: number;
  requests: number;
  retries: number;
  complete: boolean;
};

/**
 * Streams the file in batches, checkpointing after each acknowledged one. The file is read
 * whole first (for the progress bar's total), so a malformed CSV record stops the run before
 * any row is sent. One found later (the file changed meanwhile) stops the run there: the
 * rows of its batch are not sent, and the checkpoint stays at the last acknowledged batch.
 */
export async function runBackfill(plan: BackfillPlan, io: Io): Promise<BackfillResult> {
  const total = await countRows(plan.file, plan.format).catch((error: unknown) => {
    throw stopOnMalformed(error, plan.file, 'nothing was sent: fix the file and run again');
  });
  const from = plan.resumeFrom;
  const state = {
    rowsDone: from?.rowsDone ?? 0,
    lastLine: from?.lastLine ?? 0,
    accepted: from?.accepted ?? 0,
    rejected: from?.rejected ?? 0,
  };
  const result: BackfillResult = { total, ...state, requests: 0, retries: 0, complete: false };
  const rejectedFile = createRejectedFile(
    plan.rejectedPath,
    from ? { resumeAtBytes: from.rejectedBytes } : 'fresh',
  );
  if (from) io.stderr.write(`resuming after row ${from.rowsDone} (line ${from.lastLine})\n`);
  const progress = createProgress({
    stream: io.stderr,
    label: 'backfill',
    unit: 'rows',
    total,
    initial: state.rowsDone,
  });
  const interrupt = catchInterrupt(io.stderr);
  const started = performance.now();
  let sentThisRun = 0;

  const flush = async (rows: InputRow[]) => {
    const items: BatchItem[] = [];
    const rejected: RejectedRow[] = [];
    for (const row of rows) {
      if ('contact' in row) items.push({ row: row.row, line: row.line, contact: row.contact });
      else rejected.push({ row: row.row, line: row.line, code: 'ROW_INVALID', message: row.error });
    }
    if (items.length > 0) {
      const outcome = await sendBatch(items, {
        url: plan.url,
        token: plan.token,
        maxRetries: plan.maxRetries,
        signal: interrupt.signal,
        onRetry: (reason, delayMs) =>
          io.stderr.write(`\nretrying in ${(delayMs / 1000).toFixed(1)} s: ${reason}\n`),
      });
      result.requests += 1 + outcome.retries;
      result.retries += outcome.retries;
      result.accepted += outcome.accepted;
      rejected.push(...outcome.rejected);
    }
    rejected.sort((a, b) => a.row - b.row);
    rejectedFile.append(rejected);
    result.rejected += rejected.length;
    const last = rows.at(-1) as InputRow;
    result.rowsDone = last.row;
    writeCheckpoint(plan.statePath, {
      version: 1,
      input: plan.input,
      rowsDone: last.row,
      lastLine: last.line,
      accepted: result.accepted,
      rejected: result.rejected,
      rejectedBytes: rejectedFile.bytes(),
      updatedAt: new Date().toISOString(),
    });
    progress.update(result.rowsDone);
    sentThisRun += rows.length;
    if (plan.rowsPerSecond > 0) {
      const due = started + (sentThisRun / plan.rowsPerSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0 && !interrupt.signal.aborted)
        await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };

  try {
    let batch: InputRow[] = [];
    for await (const row of readRows(plan.file, plan.format)) {
      if (row.row <= state.rowsDone) continue;
      if (interrupt.signal.aborted) break;
      batch.push(row);
      if (batch.length >= plan.batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0 && !interrupt.signal.aborted) await flush(batch);
    result.complete = !interrupt.signal.aborted && result.rowsDone >= total;
  } catch (error) {
    if (!(error instanceof BatchInterrupted)) {
      throw stopOnMalformed(
        error,
        plan.file,
        `the file changed during the run; no row after row ${result.rowsDone} was sent: fix it and run again (--resume or --restart)`,
      );
    }
  } finally {
    interrupt.dispose();
    progress.finish();
  }
  if (result.complete) removeCheckpoint(plan.statePath);
  return result;
}

/** A malformed record as the operator needs it: which file, which line, what was sent. */
function stopOnMalformed(error: unknown, file: string, consequence: string): unknown {
  if (!(error instanceof MalformedCsvError)) return error;
  return new CliError(`${file} ${error.message}; ${consequence}`, undefined, { cause: error });
}
