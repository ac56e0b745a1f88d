import type { Writable } from 'node:stream';

export type Progress = {
  /** `done` out of `total` units so far (total may change, e.g. when a queue grows). */
  update(done: number, total?: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
};

export type ProgressOptions = {
  stream: Writable & { isTTY?: boolean; columns?: number };
  label: string;
  unit: string;
  total: number;
  /** Units already done before this run (a resumed backfill): not counted in the rate. */
  initial?: number;
  now?: () => number;
};

const REDRAW_MS = 100;
/** Without a terminal, a plain line now and then is what a log file can use. */
const LOG_EVERY_MS = 5_000;

/** A one-line progress bar on stderr: redrawn in place on a TTY, periodic lines otherwise. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const tty = options.stream.isTTY === true;
  const started = now();
  const initial = options.initial ?? 0;
  let total = options.total;
  let done = initial;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawnDone = Number.NaN;

  function text(): string {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = (done - initial) / seconds;
    const share = total > 0 ? Math.min(done / total, 1) : 1;
    // Under half a second, a rate is mostly noise (the first page can look instantaneous).
    const measured = seconds >= 0.5 && rate > 0;
    const left = measured && total > done ? ` eta ${formatSeconds((total - done) / rate)}` : '';
    const counts = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${options.unit}`;
    const speed = measured ? `  ${Math.round(rate)} ${options.unit}/s` : '';
    const tail = `${counts} ${Math.floor(share * 100)}%${speed}${left}`;
    if (!tty) return `${options.label}: ${tail}`;
    const width = Math.max(10, Math.min(30, (options.stream.columns ?? 80) - tail.length - 20));
    const filled = Math.round(share * width);
    return `${options.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}`;
  }

  function draw(force: boolean) {
    const at = now();
    if (!force && at - lastDraw < (tty ? REDRAW_MS : LOG_EVERY_MS)) return;
    lastDraw = at;
    drawnDone = done;
    options.stream.write(tty ? `\r${text()}\x1b[K` : `${text()}\n`);
  }

  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      draw(false);
    },
    finish() {
      // A log (no TTY) already holding the final count needs no second, identical line.
      if (!tty && drawnDone === done) return;
      draw(true);
      if (tty) options.stream.write('\n');
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${Math.ceil(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}
