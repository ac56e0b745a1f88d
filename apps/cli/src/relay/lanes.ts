import { UsageError } from '../errors.ts';

/**
 * The relay's lanes, most urgent first (as @relay/jobs' QueueNames; repeated here so the CLI
 * does not load BullMQ to check an argument). The admin API is the authority: a lane it does
 * not know is its 404.
 */
const LANES = ['erasure', 'webhook', 'sync', 'backfill'] as const;

export function laneArgument(value: string | undefined, command: string): string {
  if (value === undefined) throw new UsageError(`${command} needs a lane: ${LANES.join(', ')}`);
  if (!(LANES as readonly string[]).includes(value)) {
    throw new UsageError(`no lane "${value}"; lanes: ${LANES.join(', ')}`);
  }
  return value;
}
