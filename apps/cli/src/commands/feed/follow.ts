import type { Writable } from 'node:stream';
import { writeLine } from '../../io.ts';
import type { FeedChange, FeedPage } from '../../relay/admin-client.ts';

/** How often --follow asks for new changes once it has caught up. */
const POLL_INTERVAL_MS = 2_000;

export type FollowOptions = {
  after: string | undefined;
  limit: number;
  read(query: { after: string | undefined; limit: number }): Promise<FeedPage>;
  print(change: FeedChange): void;
  stderr: Writable;
};

/**
 * Reads the feed from `after` until Ctrl-C (or SIGTERM): full pages one after another, then
 * a read every 2 s from the last cursor. Answers the cursor to continue from.
 */
export async function followFeed(options: FollowOptions): Promise<string | undefined> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let after = options.after;
  try {
    writeLine(
      options.stderr,
      `following the change feed after ${after ?? 'the start (the oldest change kept)'}, every ${POLL_INTERVAL_MS / 1000} s; Ctrl-C to stop`,
    );
    while (!stop.signal.aborted) {
      const page = await options.read({ after, limit: options.limit });
      for (const change of page.changes) options.print(change);
      after = page.next ?? after;
      if (page.changes.length < options.limit) await pause(POLL_INTERVAL_MS, stop.signal);
    }
    return after;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
