import { type Command, intOption } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { createProgress } from '../../output/progress.ts';
import type { AdminClient } from '../../relay/admin-client.ts';
import { laneArgument } from '../../relay/lanes.ts';
import { adminFor } from './admin.ts';
import { BATCH, loopPages } from './paged.ts';

export const queuesReplay: Command = {
  name: 'queues replay',
  summary: "replay a lane's dead letters (all, or the job ids given) with fresh attempts",
  help: `Usage: relay queues replay <lane> [jobId...] [--batch N] [--json]

Replays dead letters (failed jobs) of the lane with all their attempts again
(POST /admin/dead-letters/replay): the job ids given, or else every dead letter of the
lane, --batch (default 1000) per admin call, with a progress bar on stderr. Ids that are not
dead letters of the lane (unknown, expired, already replayed) are listed as not found and
make the exit code 1. \`relay queues dead-letters <lane>\` lists them with their errors.`,
  options: { batch: { type: 'string' } },

  async run(context) {
    const [laneText, ...jobIds] = context.positionals;
    const lane = laneArgument(laneText, 'queues replay');
    const batch = intOption(context.values, 'batch', BATCH);
    const admin = adminFor(context);
    const result =
      jobIds.length > 0
        ? await replayIds(context.io, admin, lane, jobIds, batch)
        : await loopPages(context.io, `replay ${lane}`, async () => {
            const page = await admin.replay({ lane, limit: batch });
            return { moved: page.replayed, remaining: page.remaining };
          }).then((r) => ({ replayed: r.moved, remaining: r.remaining, notFound: [] as string[] }));
    if (context.json) writeJson(context.io.stdout, { lane, ...result });
    else {
      writeLine(
        context.io.stdout,
        `lane ${lane}: ${result.replayed} dead letter(s) replayed, ${result.remaining} remain`,
      );
      if (result.notFound.length > 0) {
        writeLine(
          context.io.stdout,
          `not dead letters of lane ${lane}: ${result.notFound.join(', ')}`,
        );
      }
    }
    return result.notFound.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

async function replayIds(
  io: Parameters<typeof loopPages>[0],
  admin: AdminClient,
  lane: string,
  jobIds: string[],
  batch: number,
) {
  const progress =
    jobIds.length <= batch
      ? undefined
      : createProgress({
          stream: io.stderr,
          label: `replay ${lane}`,
          unit: 'jobs',
          total: jobIds.length,
        });
  let replayed = 0;
  let remaining = 0;
  const notFound: string[] = [];
  for (let start = 0; start < jobIds.length; start += batch) {
    const page = await admin.replay({ lane, jobIds: jobIds.slice(start, start + batch) });
    replayed += page.replayed;
    remaining = page.remaining;
    notFound.push(...page.notFound);
    progress?.update(Math.min(start + batch, jobIds.length));
  }
  progress?.finish();
  return { replayed, remaining, notFound };
}
