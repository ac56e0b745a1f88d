import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { exited, stopChild, trackChild } from './child-process.ts';

export type NodeProcessOptions<T> = {
  /** Script path, run with the current Node (TypeScript runs natively on Node 22.18+). */
  script: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Called with each stdout line (and parsed JSON when the line is JSON) until it returns a value. */
  readyWhen?: (line: string, json: Record<string, unknown> | undefined) => T | undefined;
  /** Or: ready once this URL answers 200; `ready` is then the URL's origin. */
  readyUrl?: string;
  timeoutMs?: number;
  /** Receives every output line (stdout and stderr), e.g. to keep logs for a failing test. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
};

export type NodeProcess<T> = {
  readonly child: ChildProcess;
  readonly ready: T;
  /** The last lines printed, for error messages. */
  tail(): string;
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

/** Starts a Node script as a child process and resolves once it says it is ready. */
export async function startNodeProcess<T>(options: NodeProcessOptions<T>): Promise<NodeProcess<T>> {
  const child = trackChild(
    spawn(process.execPath, [options.script, ...(options.args ?? [])], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const lines: string[] = [];
  const remember = (line: string, stream: 'stdout' | 'stderr') => {
    lines.push(line);
    if (lines.length > 50) lines.shift();
    options.onLine?.(line, stream);
  };
  const tail = () => lines.join('\n');
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) =>
    remember(line, 'stderr'),
  );

  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.script} was not ready within ${options.timeoutMs ?? 20_000} ms:\n${tail()}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    let settled = false;
    const settle = (value: T) => {
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    if (options.readyUrl) {
      const url = options.readyUrl;
      void (async () => {
        while (!settled && child.exitCode === null) {
          if (await answers(url)) return settle(new URL(url).origin as T);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
    }
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      remember(line, 'stdout');
      if (settled) return;
      const value = options.readyWhen?.(line, parseJson(line));
      if (value !== undefined) settle(value);
    });
    void exited(child).then(() => {
      if (settled) return;
      clearTimeout(timer);
      reject(
        new Error(
          `${options.script} exited before it was ready (code ${child.exitCode}):\n${tail()}`,
        ),
      );
    });
  });

  return {
    child,
    ready,
    tail,
    stop: (graceMs) => stopChild(child, graceMs),
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited(child);
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
