import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { isTTY, columns: 100 },
  );
  return { stream, chunks };
}

describe('createProgress', () => {
  it('redraws one line in place on a terminal, with the rate once it means something', () => {
    let now = 0;
    const { stream, chunks } = sink(true);
    const progress = createProgress({
      stream,
      label: 'backfill',
      unit: 'rows',
      total: 1000,
      now: () => now,
    });
    progress.update(0);
    now = 2000;
    progress.update(500);
    progress.finish();
    expect(chunks[0]).toBe('\rbackfill [------------------------------] 0/1,000 rows 0%\x1b[K');
    expect(chunks[1]).toBe(
      '\rbackfill [###############---------------] 500/1,000 rows 50%  250 rows/s eta 2s\x1b[K',
    );
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes plain lines, at most every 5 s, without a terminal', () => {
    let now = 0;
    const { stream, chunks } = sink(false);
    const progress = createProgress({
      stream,
      label: 'replay sync',
      unit: 'jobs',
      total: 3,
      now: () => now,
    });
    progress.update(1);
    now = 1000;
    progress.update(2);
    now = 1500;
    progress.update(3);
    progress.finish();
    expect(chunks).toEqual([
      'replay sync: 1/3 jobs 33%\n',
      'replay sync: 3/3 jobs 100%  2 jobs/s\n',
    ]);
  });
});
