import { createInterface } from 'node:readline/promises';
import { CliError, UsageError } from '../../errors.ts';
import type { Io } from '../../io.ts';

/**
 * Destructive commands need --yes. On a terminal the person may type the lane's name
 * instead; in a script (no TTY) nothing is asked and the missing --yes is a usage error.
 */
export async function confirmLane(io: Io, yes: boolean, lane: string, what: string): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY || !io.stderr.isTTY) {
    throw new UsageError(`${what}: pass --yes to confirm (nothing is asked without a terminal)`);
  }
  const prompt = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await prompt.question(`${what}. Type the lane name (${lane}) to confirm: `);
    if (answer.trim() !== lane) throw new CliError('not confirmed: nothing was changed');
  } finally {
    prompt.close();
  }
}
