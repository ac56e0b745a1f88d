import { type Command, intOption, stringOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeLine } from '../../io.ts';
import type { FeedChange } from '../../relay/admin-client.ts';
import { adminFor } from '../queues/admin.ts';
import { CHANGE_LINE_HEADER, changeLine, withoutValues } from './change-line.ts';
import { followFeed } from './follow.ts';

export const feedTail: Command = {
  name: 'feed tail',
  summary: 'print the changes the CRM pulls, one line each (--follow: as they come)',
  help: `Usage: relay feed tail [--after <cursor>] [--limit N] [--follow] [--values] [--json]

Prints the change feed as the CRM reads it (GET /admin/feed/changes, needs ADMIN_TOKEN),
one line per change: cursor, type, version, intercom_id, external_id or company_id, source
(webhook, reconciliation, erasure) and the fields that changed. Without --after it starts
at the oldest change kept; the last cursor is printed on stderr, to go on from.

  --after CURSOR  start after this cursor (a change's cursor, or a CRM's stored one)
  --limit N       changes per read, 1–1000 (default 100); without --follow, one read
  --follow, -f    keep reading from the last cursor every 2 s until Ctrl-C
  --values        also print attribute values (emails, names, phones: personal data) and
                  conversation items, as JSON lines; keep them out of tickets and chats
  --json          JSON lines without values

A cursor older than the changes kept (FEED_RETENTION_MS) answers 410 FEED_CURSOR_EXPIRED:
the command says so and exits 1 (RUNBOOK.md, "A CRM cursor answers 410").

Examples:
  relay feed tail --after 1796575200000-0 --limit 20
  relay feed tail --follow | grep crm-42`,
  options: {
    after: { type: 'string' },
    limit: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    values: { type: 'boolean' },
  },

  async run(context) {
    const { io, values } = context;
    const limit = intOption(values, 'limit', { default: 100, min: 1, max: 1_000 });
    const after = stringOption(values, 'after');
    const admin = adminFor(context, 'feed');
    const withValues = values.values === true;
    const asText = !withValues && !context.json;
    const print = (change: FeedChange) =>
      writeLine(
        io.stdout,
        asText ? changeLine(change) : JSON.stringify(withValues ? change : withoutValues(change)),
      );
    if (asText) writeLine(io.stdout, CHANGE_LINE_HEADER);
    if (values.follow === true) {
      const last = await followFeed({
        after,
        limit,
        read: admin.feedChanges,
        print,
        stderr: io.stderr,
      });
      writeLine(io.stderr, last ? `stopped; go on with --after ${last}` : 'stopped');
      return ExitCode.ok;
    }
    const page = await admin.feedChanges({ after, limit });
    for (const change of page.changes) print(change);
    if (page.changes.length === 0) {
      writeLine(io.stderr, `no changes after ${after ?? 'the start'}`);
    } else {
      const more = page.changes.length === limit ? ' (there may be more)' : '';
      writeLine(
        io.stderr,
        `${page.changes.length} change(s)${more}; go on with --after ${page.next}`,
      );
    }
    return ExitCode.ok;
  },
};
