import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '@relay/testkit';

export type ToolResult = { status: number | null; output: string };

/**
 * Runs promtool or prometheus from PATH. A missing binary fails the test with the way to get
 * it: scripts/bootstrap.sh installs Debian's prometheus package.
 */
export function runTool(
  tool: 'promtool' | 'prometheus',
  args: string[],
  cwd = REPO_ROOT,
): ToolResult {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      `${tool} is not installed: run scripts/bootstrap.sh (it installs Debian's prometheus package)`,
    );
  }
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Throws (with the way to install it) unless `tool` runs. */
export function requireTool(tool: 'promtool' | 'prometheus'): void {
  runTool(tool, ['--version']);
}
