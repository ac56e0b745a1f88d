import { type Command, intOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { laneArgument } from '../../relay/lanes.ts';
import { adminFor } from './admin.ts';
import { confirmLane } from './confirm.ts';
import { BATCH, loopPages } from './paged.ts';

export const queuesDrain: Command = {
  name: 'queues drain',
  summary: "delete a lane's jobs that have not started (acknowledged work is lost!)",
  help: `Usage: relay queues drain <lane> --yes [--batch N] [--json]

Deletes the lane's waiting, prioritized and delayed jobs, --batch (default 1000) per admin
call, with a progress bar on stderr. Running jobs finish. The data is gone: pushes must be
sent again. A schedule's next run (the reconciliation sweep's, in the backfill lane) stays:
the schedule goes on. The erasure lane is never drained (the API refuses: erasure is a legal
duty). Without --yes, a terminal asks for the lane name; a script gets exit 2.`,
  options: { yes: { type: 'boolean', short: 'y' }, batch: { type: 'string' } },

  async run(context) {
    const lane = laneArgument(context.positionals[0], 'queues drain');
    const batch = intOption(context.values, 'batch', BATCH);
    const admin = adminFor(context);
    await confirmLane(
      context.io,
      context.values.yes === true,
      lane,
      `drain deletes every job of lane ${lane} that has not started`,
    );
    let scheduled = 0;
    const result = await loopPages(context.io, `drain ${lane}`, async () => {
      const page = await admin.drain(lane, batch);
      scheduled = page.scheduled;
      return { moved: page.removed, remaining: page.remaining };
    });
    if (context.json) {
      writeJson(context.io.stdout, {
        lane,
        removed: result.moved,
        remaining: result.remaining,
        scheduled,
      });
    } else {
      const kept =
        scheduled > 0 ? `; ${scheduled} scheduled run(s) kept, the schedule goes on` : '';
      writeLine(
        context.io.stdout,
        `lane ${lane}: ${result.moved} job(s) removed, ${result.remaining} not started remain${kept}`,
      );
    }
    return ExitCode.ok;
  },
};
