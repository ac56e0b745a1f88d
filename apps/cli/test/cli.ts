import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, trackChild, type UsedRelay } from '@relay/testkit';

const MAIN = join(REPO_ROOT, 'apps/cli/src/main.ts');

export type CliResult = { code: number | null; stdout: string; stderr: string };

export type RunningCli = {
  child: ChildProcess;
  /** Resolves once stderr has printed text matching `pattern`. */
  stderrMatches(pattern: RegExp): Promise<void>;
  /** Resolves once stdout has printed text matching `pattern`. */
  stdoutMatches(pattern: RegExp): Promise<void>;
  result: Promise<CliResult>;
};

/** The CLI as an operator runs it: a child process with only the environment given. */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = trackChild(
    spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output = { stdout: '', stderr: '' };
  type Stream = keyof typeof output;
  const waiters: { stream: Stream; pattern: RegExp; resolve: () => void }[] = [];
  const collect = (stream: Stream) => (chunk: unknown) => {
    output[stream] += chunk;
    for (const waiter of waiters.splice(0)) {
      if (waiter.stream === stream && waiter.pattern.test(output[stream])) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));
  const matches = (stream: Stream) => (pattern: RegExp) =>
    pattern.test(output[stream])
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ stream, pattern, resolve }));
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => resolve({ code, ...output }));
  });
  return {
    child,
    result,
    stderrMatches: matches('stderr'),
    stdoutMatches: matches('stdout'),
  };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).result;
}

/** The environment that points the CLI at a test stack, with every secret set. */
export function stackEnv(relay: UsedRelay, adminToken: string): Record<string, string> {
  return {
    RELAY_URL: relay.stack.ingressUrl,
    ADMIN_TOKEN: adminToken,
    CRM_API_TOKEN: 'crm-e2e-token',
    INTERCOM_ACCESS_TOKEN: relay.sim.token,
    INTERCOM_API_BASE_URL: relay.sim.url,
    INTERCOM_STATUS_URL: `${relay.sim.url}/__sim/status-page/api/v2/status.json`,
    WORKER_METRICS_URLS: relay.stack.workerMetricsUrls.join(','),
  };
}

/** Sets the simulated Intercom status page (a PUT, which the testkit's control() lacks). */
export async function setStatusPage(simUrl: string, indicator: string, description: string) {
  const response = await fetch(`${simUrl}/__sim/status-page`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ indicator, description }),
  });
  if (!response.ok) throw new Error(`status page control answered ${response.status}`);
}
