import { CliError } from '../errors.ts';

/**
 * 410 FEED_CURSOR_EXPIRED: the feed no longer keeps the changes after that cursor (older
 * than FEED_RETENTION_MS), so reading on from it would skip changes silently.
 */
export class FeedCursorExpiredError extends CliError {
  constructor(answer: string) {
    super(
      `the change feed no longer keeps the changes after this cursor (${answer}). Changes were missed: read again without --after (from the oldest kept), and reconcile what the gap held (RUNBOOK.md, "A CRM cursor answers 410")`,
    );
    this.name = 'FeedCursorExpiredError';
  }
}
