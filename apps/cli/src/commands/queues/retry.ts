import { type Command, intOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { laneArgument } from '../../relay/lanes.ts';
import { adminFor } from './admin.ts';
import { BATCH, loopPages } from './paged.ts';

export const queuesRetry: Command = {
  name: 'queues retry',
  summary: "move a lane's failed jobs back to waiting",
  help: `Usage: relay queues retry <lane> [--batch N] [--json]

Moves the lane's failed jobs back to waiting, oldest failures first, --batch (default 1000)
per admin call (POST /admin/queues/<lane>/retry), with a progress bar on stderr. Fix the
cause first (relay triage): a job that fails the same way ends up failed again.`,
  options: { batch: { type: 'string' } },

  async run(context) {
    const lane = laneArgument(context.positionals[0], 'queues retry');
    const batch = intOption(context.values, 'batch', BATCH);
    const admin = adminFor(context);
    const result = await loopPages(context.io, `retry ${lane}`, async () => {
      const page = await admin.retry(lane, batch);
      return { moved: page.retried, remaining: page.remaining };
    });
    if (context.json)
      writeJson(context.io.stdout, { lane, retried: result.moved, remaining: result.remaining });
    else
      writeLine(
        context.io.stdout,
        `lane ${lane}: ${result.moved} failed job(s) back to waiting, ${result.remaining} still failed`,
      );
    return ExitCode.ok;
  },
};
