import type { Command } from '../args.ts';
import { backfill } from './backfill/command.ts';
import { feedEnable } from './feed/enable.ts';
import { feedReplay } from './feed/replay.ts';
import { feedStatus } from './feed/status.ts';
import { feedTail } from './feed/tail.ts';
import { preflight } from './preflight/command.ts';
import { queuesDeadLetters } from './queues/dead-letters.ts';
import { queuesDrain } from './queues/drain.ts';
import { queuesList } from './queues/list.ts';
import { queuesPause, queuesResume } from './queues/pause.ts';
import { queuesReplay } from './queues/replay.ts';
import { queuesRetry } from './queues/retry.ts';
import { tokenCheck } from './token-check.ts';
import { triage } from './triage/command.ts';

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly Command[] = [
  triage,
  preflight,
  tokenCheck,
  queuesList,
  queuesPause,
  queuesResume,
  queuesDrain,
  queuesRetry,
  queuesReplay,
  queuesDeadLetters,
  feedStatus,
  feedTail,
  feedEnable,
  feedReplay,
  backfill,
];
