import type { Command } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { renderTable } from '../../output/table.ts';
import { secondsText } from '../triage/check.ts';
import { adminFor } from './admin.ts';

export const queuesList: Command = {
  name: 'queues list',
  summary: 'every lane: paused, waiting, active, delayed, failed, oldest waiting job',
  help: `Usage: relay queues list [--json]

One row per lane from GET /admin/queues (needs ADMIN_TOKEN). "waiting" counts waiting and
prioritized jobs (both wait for a worker); "failed" are the dead letters; "oldest" is the
age of the oldest job waiting to run.`,

  async run(context) {
    const queues = await adminFor(context).queues();
    const { io, style } = context;
    if (context.json) {
      writeJson(io.stdout, { queues });
      return ExitCode.ok;
    }
    const rows = queues.map((queue) => [
      queue.lane,
      queue.queue,
      queue.paused ? style.yellow('PAUSED') : 'no',
      String(queue.counts.waiting + queue.counts.prioritized),
      String(queue.counts.active),
      String(queue.counts.delayed),
      queue.counts.failed > 0 ? style.red(String(queue.counts.failed)) : '0',
      queue.oldestWaitingAgeSeconds > 0 ? secondsText(queue.oldestWaitingAgeSeconds) : '-',
    ]);
    writeLine(
      io.stdout,
      renderTable(
        ['LANE', 'QUEUE', 'PAUSED', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'OLDEST'],
        rows,
        {
          align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
        },
      ),
    );
    return ExitCode.ok;
  },
};
