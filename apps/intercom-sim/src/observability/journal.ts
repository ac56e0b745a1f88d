import type { IncomingHttpHeaders } from 'node:http';
import { createRingBuffer } from '../lib/ring-buffer.ts';

export type JournalEntry = {
  seq: number;
  /** Epoch ms, from the simulator's clock. */
  at: number;
  requestId: string;
  method: string;
  /** The URL as requested, query string included. */
  path: string;
  /** The route pattern matched, e.g. `/contacts/:contact_id`; null when none matched. */
  route: string | null;
  status: number;
  appId: string | null;
  /** The effective `Intercom-Version` (2.14 when the request named none); null if refused earlier. */
  version: string | null;
  /** What happened besides the route running: a fault, or a refusal before the route. */
  outcome: string | null;
  headers: Record<string, string>;
  body: unknown;
};

const recordedHeaders = ['intercom-version', 'accept', 'content-type', 'user-agent'] as const;

/** Never the token itself: enough to tell tokens apart, not enough to use one. */
function redactAuthorization(value: string): string {
  const match = /^(\S+)\s+(.*)$/.exec(value);
  const scheme = match?.[1] ?? '';
  const secret = match?.[2] ?? value;
  const shown = secret.length > 8 ? `${secret.slice(0, 4)}…` : '…';
  return `${scheme ? `${scheme} ` : ''}${shown} (${secret.length} chars)`;
}

export function pickJournalHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of recordedHeaders) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  if (typeof headers.authorization === 'string') {
    picked.authorization = redactAuthorization(headers.authorization);
  }
  return picked;
}

/** The API calls received, newest last, in a bounded buffer. */
export function createJournal(capacity: number) {
  const entries = createRingBuffer<JournalEntry>(capacity);
  let seq = 0;

  return {
    record(entry: Omit<JournalEntry, 'seq'>) {
      entries.push({ seq: ++seq, ...entry });
    },
    list: () => ({ entries: entries.toArray(), dropped: entries.dropped }),
    clear() {
      entries.clear();
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;
