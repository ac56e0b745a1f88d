import { LANES } from '@relay/jobs';
import { UsageError } from '../errors.ts';

/**
 * A lane named on the command line (the contract's list, most urgent first). The admin API is
 * the authority: a lane it does not know is its 404.
 */
export function laneArgument(value: string | undefined, command: string): string {
  if (value === undefined) throw new UsageError(`${command} needs a lane: ${LANES.join(', ')}`);
  if (!(LANES as readonly string[]).includes(value)) {
    throw new UsageError(`no lane "${value}"; lanes: ${LANES.join(', ')}`);
  }
  return value;
}
