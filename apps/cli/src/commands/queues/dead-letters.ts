import { type Command, intOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { renderTable } from '../../output/table.ts';
import { laneArgument } from '../../relay/lanes.ts';
import { adminFor } from './admin.ts';

export const queuesDeadLetters: Command = {
  name: 'queues dead-letters',
  summary: 'list failed jobs with their error code, for replay',
  help: `Usage: relay queues dead-letters [lane] [--limit N] [--offset N] [--json]

Lists dead letters (GET /admin/dead-letters), newest first: job id, lane, job name,
attempts, when it failed and its error (code, status, Intercom request id). Never the job's
data, which holds personal data. --limit 1–500 (default 50).`,
  options: { limit: { type: 'string' }, offset: { type: 'string' } },

  async run(context) {
    const laneText = context.positionals[0];
    const lane = laneText === undefined ? undefined : laneArgument(laneText, 'queues dead-letters');
    const limit = intOption(context.values, 'limit', { default: 50, min: 1, max: 500 });
    const offset = intOption(context.values, 'offset', { default: 0, min: 0, max: 1_000_000 });
    const page = await adminFor(context).deadLetters({ ...(lane ? { lane } : {}), limit, offset });
    if (context.json) {
      writeJson(context.io.stdout, page);
      return ExitCode.ok;
    }
    if (page.deadLetters.length === 0) {
      writeLine(context.io.stdout, `no dead letters${lane ? ` in lane ${lane}` : ''}`);
      return ExitCode.ok;
    }
    const rows = page.deadLetters.map((letter) => [
      letter.id,
      letter.lane,
      letter.name,
      String(letter.attempts),
      letter.failedAt ?? '-',
      [letter.error.code, letter.error.status, letter.error.requestId].filter(Boolean).join(' '),
    ]);
    writeLine(
      context.io.stdout,
      renderTable(['JOB', 'LANE', 'NAME', 'ATTEMPTS', 'FAILED AT', 'ERROR'], rows),
    );
    writeLine(context.io.stdout, `${page.deadLetters.length} of ${page.total} dead letter(s)`);
    return ExitCode.ok;
  },
};
