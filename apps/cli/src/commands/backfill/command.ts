import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, intOption, stringOption } from '../../args.ts';
import { requireSecret } from '../../config.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { describeUrl } from '../../http.ts';
import { writeJson, writeLine } from '../../io.ts';
import { renderPairs } from '../../output/table.ts';
import { fingerprintInput, readCheckpoint, removeCheckpoint, sameInput } from './checkpoint.ts';
import { formatOf } from './input.ts';
import { type BackfillPlan, runBackfill } from './run-backfill.ts';

export const backfill: Command = {
  name: 'backfill',
  summary: 'push a CSV or NDJSON file of contacts through POST /v1/contacts, resumable',
  help: `Usage: relay backfill <file> [--resume | --restart] [--state FILE] [--rejected FILE]
                      [--batch-size N] [--rate ROWS_PER_S] [--max-retries N]
                      [--format csv|ndjson] [--lane backfill|sync] [--json]

Sends every contact of the file to RELAY_URL/v1/contacts with CRM_API_TOKEN, --batch-size
(default and most 1000) rows per request, with a progress bar on stderr (rows done/total,
rows/s). Contacts go to the ingress's backfill lane (?lane=backfill), which waits for
spare rate budget behind the CRM's interactive pushes and webhook work; --lane sync puts
them beside interactive pushes instead.

Input (by extension, or --format):
  CSV     a header row naming columns external_id (required), email, name, phone, role and
          custom_attributes.<name>. An empty cell leaves the field out. Attribute values that
          look like numbers or true/false are sent as such; type a column to decide:
          custom_attributes.<name>:string|number|boolean|date (date: Unix seconds or ISO 8601).
          Quoted fields may hold commas, line breaks and doubled quotes (RFC 4180). The file
          is read whole before the first row is sent: a record that cannot be read (a quote
          not closed, a stray quote, more or fewer fields than the header) stops the run
          with its line and nothing sent (exit 1).
  NDJSON  one contact object per line, sent as it is.

Resuming: after each acknowledged batch a checkpoint (FILE.checkpoint.json beside the input,
or --state FILE) records the last acknowledged row, fsynced before the next batch is sent.
After Ctrl-C (the batch in flight is finished first) or a crash, --resume continues after
that row: no acknowledged row is sent twice (after a crash, the one batch in flight may be
sent again; upserts by external_id make that harmless). A checkpoint of a finished run is
removed. Running without --resume while a checkpoint exists is refused; --restart starts
over at row 1.

Rejected rows (the ingress's reason, a CSV value not of its column's type, an NDJSON line
that is not a JSON object) go to FILE.rejected.ndjson (or --rejected FILE) as
{row, line, code, message}. With the input on a read-only mount, give both --state and
--rejected elsewhere. 503, 429, 5xx and network failures are retried with backoff
(--max-retries, default 10, then stop: --resume later); a 401 is a config error; other 4xx
stop the run.

Exit: 0 all rows accepted, 1 some rows rejected or the run stopped on an error,
2 usage or config error, 130 interrupted (resume with --resume).`,
  options: {
    resume: { type: 'boolean' },
    restart: { type: 'boolean' },
    state: { type: 'string' },
    rejected: { type: 'string' },
    'batch-size': { type: 'string' },
    rate: { type: 'string' },
    'max-retries': { type: 'string' },
    format: { type: 'string' },
    lane: { type: 'string' },
  },

  async run(context) {
    const { values, io, config } = context;
    const file = context.positionals[0];
    if (file === undefined || context.positionals.length > 1)
      throw new UsageError('backfill takes one file');
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
    if (values.resume === true && values.restart === true)
      throw new UsageError('--resume or --restart, not both');
    const plan: BackfillPlan = {
      file,
      format: formatOf(file, stringOption(values, 'format')),
      url: `${config.relayUrl}/v1/contacts?lane=${laneOf(stringOption(values, 'lane'))}`,
      token: requireSecret(
        config.crmToken,
        'CRM_API_TOKEN',
        "backfill pushes with one of the ingress's CRM tokens",
      ),
      statePath: stringOption(values, 'state') ?? `${file}.checkpoint.json`,
      rejectedPath: stringOption(values, 'rejected') ?? `${file}.rejected.ndjson`,
      batchSize: intOption(values, 'batch-size', { default: 1_000, min: 1, max: 1_000 }),
      rowsPerSecond: intOption(values, 'rate', { default: 0, min: 0, max: 1_000_000 }),
      maxRetries: intOption(values, 'max-retries', { default: 10, min: 0, max: 1_000 }),
      input: fingerprintInput(file),
      resumeFrom: undefined,
    };
    requireWritable(plan.statePath, '--state');
    requireWritable(plan.rejectedPath, '--rejected');
    if (values.restart === true) removeCheckpoint(plan.statePath);
    const checkpoint = readCheckpoint(plan.statePath);
    if (checkpoint && values.resume !== true) {
      throw new UsageError(
        `${plan.statePath} holds an interrupted run (rows 1–${checkpoint.rowsDone} acknowledged): --resume to continue after row ${checkpoint.rowsDone}, or --restart to send every row again`,
      );
    }
    if (checkpoint && !sameInput(checkpoint.input, plan.input)) {
      throw new UsageError(
        `${file} changed since the checkpoint was written (its size or first 64 KiB differ): --restart to send every row again`,
      );
    }
    if (checkpoint) plan.resumeFrom = checkpoint;
    else if (values.resume === true) writeLine(io.stderr, 'no checkpoint: starting at row 1');

    const result = await runBackfill(plan, io);
    const summary = {
      file,
      url: describeUrl(plan.url),
      rows: result.total,
      resumedAfterRow: checkpoint?.rowsDone ?? 0,
      rowsDone: result.rowsDone,
      accepted: result.accepted,
      rejected: result.rejected,
      rejectedFile: result.rejected > 0 ? plan.rejectedPath : null,
      requests: result.requests,
      retries: result.retries,
      complete: result.complete,
    };
    if (context.json) writeJson(io.stdout, summary);
    else {
      const rows: [string, string][] = [
        ['file', `${file} (${plan.format}) → ${summary.url}`],
        [
          'rows',
          `${result.rowsDone} of ${result.total} done${summary.resumedAfterRow ? ` (resumed after row ${summary.resumedAfterRow})` : ''}`,
        ],
        ['accepted', String(result.accepted)],
        ['rejected', result.rejected > 0 ? `${result.rejected} → ${plan.rejectedPath}` : '0'],
        ['requests', `${result.requests} this run (${result.retries} retried)`],
      ];
      if (!result.complete)
        rows.push(['stopped', `after row ${result.rowsDone}: continue with --resume`]);
      writeLine(io.stdout, renderPairs(rows));
    }
    if (!result.complete) return ExitCode.interrupted;
    return result.rejected > 0 ? ExitCode.failed : ExitCode.ok;
  },
};

/** The checkpoint and the rejected rows are written beside the input unless told otherwise. */
function requireWritable(path: string, flag: string): void {
  try {
    accessSync(existsSync(path) ? path : dirname(path), constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${path} (read-only?): give another place with ${flag} FILE`);
  }
}

function laneOf(lane: string | undefined): 'backfill' | 'sync' {
  if (lane === undefined || lane === 'backfill' || lane === 'sync') return lane ?? 'backfill';
  throw new UsageError(`--lane is backfill or sync, not ${lane}`);
}
