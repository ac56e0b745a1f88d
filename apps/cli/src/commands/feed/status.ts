import type { Command } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { renderPairs } from '../../output/table.ts';
import type { FeedStatus } from '../../relay/admin-client.ts';
import { adminFor } from '../queues/admin.ts';

export const feedStatus: Command = {
  name: 'feed status',
  summary:
    'the change feed (Intercom → CRM): changes kept, oldest, newest, trimmed, retention, push',
  help: `Usage: relay feed status [--json]

What the change feed's log holds (GET /admin/feed/status, needs ADMIN_TOKEN): how many
changes it keeps, the oldest and the newest with their cursor and when they were recorded,
the trim mark (the newest change removed for age: a CRM cursor before it answers 410
FEED_CURSOR_EXPIRED), the retention (FEED_RETENTION_MS) and the push to the CRM's webhook
endpoint: its state (ok; failing: deliveries held while it keeps failing; disabled: it
answered 410 Gone, \`relay feed enable\` resumes) and the records with a change not yet
delivered. No personal data.`,

  async run(context) {
    const status = await adminFor(context, 'feed').feedStatus();
    if (context.json) writeJson(context.io.stdout, status);
    else writeLine(context.io.stdout, renderPairs(statusPairs(status, Date.now())));
    return ExitCode.ok;
  },
};

function statusPairs(status: FeedStatus, now: number): [string, string][] {
  const position = (at: FeedStatus['oldest']) =>
    at === null
      ? '-'
      : `${at.cursor}  recorded ${at.at} (${ageText(Math.max(0, now - Date.parse(at.at)))} ago)`;
  return [
    ['changes kept', String(status.length)],
    ['oldest', position(status.oldest)],
    ['newest', position(status.newest)],
    [
      'trimmed up to',
      status.trimmedBefore === null
        ? 'nothing trimmed yet'
        : `${status.trimmedBefore}  (a cursor before it answers 410 FEED_CURSOR_EXPIRED)`,
    ],
    [
      'retention',
      status.retentionMs === undefined
        ? 'unknown'
        : `${durationText(status.retentionMs)} (FEED_RETENTION_MS)`,
    ],
    ['push', status.push === undefined ? 'unknown' : pushText(status.push)],
  ];
}

function pushText(push: NonNullable<FeedStatus['push']>): string {
  const endpoint = {
    ok: 'endpoint ok',
    failing: 'endpoint failing (deliveries held until it answers again)',
    disabled: 'endpoint disabled (it answered 410 Gone: `relay feed enable` resumes)',
  }[push.endpointState];
  return `${endpoint}, ${push.undelivered} record(s) with an undelivered change`;
}

function durationText(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

function ageText(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
