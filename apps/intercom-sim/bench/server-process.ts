import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';

export type ServerProcess = { url: string; stop: () => Promise<void> };

/**
 * Starts a server script as its own Node process, pinned to one core when `taskset` exists,
 * and resolves once it prints its `{"event":"listening","url":…}` line.
 */
export async function startServerProcess(
  script: string,
  args: string[],
  options: { cpu: number | null; env?: Record<string, string> },
): Promise<ServerProcess> {
  const command = [process.execPath, script, ...args];
  const [file, ...rest] =
    options.cpu === null ? command : ['taskset', '-c', String(options.cpu), ...command];
  const child = spawn(file ?? process.execPath, rest, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await listeningUrl(child);
  return {
    url,
    /** Idempotent: a second call waits for the same exit. */
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      const message = JSON.parse(line) as { event?: string; url?: string };
      if (message.event === 'listening' && message.url) resolve(message.url);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

/** Pins a running process to one core with `taskset`; false when that is not possible. */
export function pinToCore(pid: number, cpu: number): boolean {
  if (process.platform !== 'linux' || availableParallelism() <= cpu) return false;
  try {
    execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
