import { type Command, stringOption } from '../../args.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { adminFor } from '../queues/admin.ts';

const CURSOR = /^\d+-\d+$/;
/** ISO 8601 with a zone (as the admin API takes it): without one, whose time would it be? */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export const feedReplay: Command = {
  name: 'feed replay',
  summary: 'push changes to the CRM again, after a cursor or from a time on',
  help: `Usage: relay feed replay --since <cursor|time> [--json]

Sends the change feed to the CRM's webhook endpoint again (POST /admin/feed/push/replay,
needs ADMIN_TOKEN), for a CRM that lost what it received (a restore from backup). --since is
a cursor (1796575200000-0: the changes after it) or an ISO 8601 time with a zone
(2026-12-06T16:40:00Z: the changes recorded from then on). Each record's latest version is
sent once more, never an older one after a newer; conversation changes are each sent again.
Only changes the feed still keeps (FEED_RETENTION_MS; \`relay feed status\`) can be sent.

  --since CURSOR|TIME  where the replay starts (required)

Examples:
  relay feed replay --since 1796575200000-0
  relay feed replay --since 2026-12-06T16:40:00Z`,
  options: { since: { type: 'string' } },

  async run(context) {
    const since = stringOption(context.values, 'since');
    if (since === undefined) {
      throw new UsageError('feed replay needs --since <cursor or ISO 8601 time>');
    }
    const from = replayFrom(since);
    const result = await adminFor(context, 'feed').feedReplay(from);
    if (context.json) writeJson(context.io.stdout, result);
    else writeLine(context.io.stdout, replayText(result, 'after' in from ? '' : since));
    return ExitCode.ok;
  },
};

function replayText(
  result: { replayingAfter: string | null; pushedUpTo: string | null },
  since: string,
): string {
  const when = since === '' ? '' : ` (recorded from ${since} on)`;
  if (result.replayingAfter !== null) {
    return `replaying the changes after ${result.replayingAfter}${when}: each record's latest version is pushed to the CRM again`;
  }
  if (result.pushedUpTo === null) {
    return 'nothing to replay: the push has not started (no worker with CRM_WEBHOOK_URL has run on this Redis)';
  }
  return `nothing to replay: the push has sent the changes up to ${result.pushedUpTo}; those after --since go to the CRM anyway`;
}

/** A cursor as such; a time as the admin API converts it; anything else a usage error. */
function replayFrom(since: string): { after: string } | { since: string } {
  if (CURSOR.test(since)) return { after: since };
  if (ISO_TIME.test(since) && !Number.isNaN(Date.parse(since))) return { since };
  throw new UsageError(
    '--since must be a cursor (like 1796575200000-0) or an ISO 8601 time with a zone (like 2026-12-06T16:40:00Z)',
  );
}
