import type { Io } from '../../io.ts';
import { createProgress } from '../../output/progress.ts';

/** Jobs per admin call (--batch); the admin API takes up to 10,000. */
export const BATCH = { default: 1_000, min: 1, max: 10_000 };

export type PageResult = { moved: number; remaining: number };

/**
 * Repeats an admin call that handles `limit` jobs at a time until nothing remains, with a
 * progress bar on stderr. It stops at the number there was at the start, so a lane that
 * keeps filling (webhooks arriving) does not keep it going forever.
 */
export async function loopPages(
  io: Io,
  label: string,
  step: () => Promise<PageResult>,
): Promise<PageResult> {
  const progress = createProgress({ stream: io.stderr, label, unit: 'jobs', total: 0 });
  const first = await step();
  const total = first.moved + first.remaining;
  let moved = first.moved;
  let remaining = first.remaining;
  if (remaining === 0 || first.moved === 0) return first;
  progress.update(moved, total);
  while (remaining > 0 && moved < total) {
    const page = await step();
    moved += page.moved;
    remaining = page.remaining;
    progress.update(moved, Math.max(total, moved));
    if (page.moved === 0) break; // what remains is not ours to move (e.g. started meanwhile)
  }
  progress.finish();
  return { moved, remaining };
}
