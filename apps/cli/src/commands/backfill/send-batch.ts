import { CliError, ExitCode } from '../../errors.ts';
import { errorSummary, type HttpAnswer, http, NoAnswerError } from '../../http.ts';

export type BatchItem = { row: number; line: number; contact: Record<string, unknown> };
export type RejectedRow = { row: number; line: number; code: string; message: string };
export type BatchOutcome = { accepted: number; rejected: RejectedRow[]; retries: number };

export type SendOptions = {
  url: string;
  token: string;
  maxRetries: number;
  /** Aborted by Ctrl-C: a retry's wait ends and the batch counts as not sent. */
  signal: AbortSignal;
  onRetry(reason: string, delayMs: number): void;
};

/** Thrown when Ctrl-C ends a retry wait: the batch was not (wholly) acknowledged. */
export class BatchInterrupted extends Error {}

type BatchAnswer = {
  accepted?: { index: number }[];
  rejected?: { index: number; code: string; message: string }[];
};

/**
 * POSTs one batch to /v1/contacts until every item is accepted or rejected for a reason a
 * retry cannot fix. 503, 429, 5xx, network failures and items rejected with
 * QUEUE_UNAVAILABLE (Redis could not store them: "send those again") are retried with
 * exponential backoff and full jitter, or after Retry-After; 401/403 is a configuration
 * error (exit 2); any other 4xx stops the backfill.
 */
export async function sendBatch(items: BatchItem[], options: SendOptions): Promise<BatchOutcome> {
  let pending = items;
  let accepted = 0;
  let retries = 0;
  const rejected: RejectedRow[] = [];
  while (pending.length > 0) {
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      const answer = await http(options.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}` },
        body: { contacts: pending.map((item) => item.contact) },
        timeoutMs: 60_000,
      });
      if (answer.status === 200 || answer.status === 202) {
        const body = (answer.json ?? {}) as BatchAnswer;
        accepted += body.accepted?.length ?? 0;
        const again: BatchItem[] = [];
        for (const item of body.rejected ?? []) {
          const source = pending[item.index];
          if (!source) continue;
          if (item.code === 'QUEUE_UNAVAILABLE') again.push(source);
          else
            rejected.push({
              row: source.row,
              line: source.line,
              code: item.code,
              message: itemMessage(item.message),
            });
        }
        pending = again;
        if (pending.length === 0) break;
        reason = `${pending.length} row(s) not stored (QUEUE_UNAVAILABLE)`;
      } else {
        refuseUnlessRetryable(answer, items);
        reason = errorSummary(answer);
        retryAfterMs = retryAfter(answer);
      }
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      reason = error.message;
    }
    retries++;
    if (retries > options.maxRetries) {
      throw new CliError(
        `gave up on rows ${items[0]?.row}–${items.at(-1)?.row} after ${options.maxRetries} retries (${reason}); run again with --resume`,
      );
    }
    const delayMs = retryAfterMs ?? backoffMs(retries);
    options.onRetry(reason, delayMs);
    await sleep(delayMs, options.signal);
  }
  return { accepted, rejected, retries };
}

function refuseUnlessRetryable(answer: HttpAnswer, items: BatchItem[]): void {
  if (answer.status === 429 || answer.status >= 500) return;
  if (answer.status === 401 || answer.status === 403) {
    throw new CliError(
      `the ingress refused CRM_API_TOKEN (${errorSummary(answer)})`,
      ExitCode.usage,
    );
  }
  throw new CliError(
    `the ingress refused the batch of rows ${items[0]?.row}–${items.at(-1)?.row}: ${errorSummary(answer)}`,
  );
}

/** "contacts[3]/email must be …" names the index in the batch; the row number says more. */
function itemMessage(message: string): string {
  return message.replace(/^contacts\[\d+\]\/?/, '');
}

function retryAfter(answer: HttpAnswer): number | undefined {
  const seconds = Number(answer.headers.get('retry-after'));
  return answer.headers.has('retry-after') && Number.isFinite(seconds) && seconds >= 0
    ? Math.min(seconds, 60) * 1000
    : undefined;
}

/** Full jitter over 0.5 s · 2^n, capped at 30 s (at least 100 ms). */
function backoffMs(retry: number): number {
  return Math.max(100, Math.random() * Math.min(30_000, 500 * 2 ** retry));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new BatchInterrupted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BatchInterrupted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
