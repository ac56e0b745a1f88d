import { LANES } from '@relay/jobs';
import type { Command, CommandContext } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { laneArgument } from '../../relay/lanes.ts';
import { adminFor } from './admin.ts';

function pauseCommand(paused: boolean): Command {
  const verb = paused ? 'pause' : 'resume';
  return {
    name: `queues ${verb}`,
    summary: paused
      ? "stop workers taking a lane's jobs (the kill switch: nothing is lost)"
      : 'let workers take a paused lane’s jobs again',
    help: `Usage: relay queues ${verb} <lane> [--json]

${
  paused
    ? `Pauses the lane for every worker process at once (POST /admin/queues/<lane>/pause).
Running jobs finish; waiting jobs stay stored until \`relay queues resume <lane>\`.
Pushes and webhooks are still acknowledged and queued.`
    : `Resumes a paused lane (POST /admin/queues/<lane>/resume); workers continue where they stopped.`
}
Lanes: ${LANES.join(', ')}.`,

    async run(context: CommandContext) {
      const lane = laneArgument(context.positionals[0], `queues ${verb}`);
      const admin = adminFor(context);
      const result = paused ? await admin.pause(lane) : await admin.resume(lane);
      if (context.json) writeJson(context.io.stdout, result);
      else if (result.paused) {
        writeLine(
          context.io.stdout,
          `lane ${lane} is paused: running jobs finish, waiting jobs stay stored until \`relay queues resume ${lane}\``,
        );
      } else writeLine(context.io.stdout, `lane ${lane} is running`);
      return result.paused === paused ? ExitCode.ok : ExitCode.failed;
    },
  };
}

export const queuesPause = pauseCommand(true);
export const queuesResume = pauseCommand(false);
