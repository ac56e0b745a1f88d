import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, trackChild, type UsedRelay } from '@relay/testkit';

const MAIN = join(REPO_ROOT, 'apps/cli/src/main.ts');

export type CliResult = { code: number | null; stdout: string; stderr: string };

export type RunningCli = {
  child: ChildProcess;
  /** Resolves once stderr has printed text matching `pattern`. */
  stderrMatches(pattern: RegExp): Promise<void>;
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
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    for (const waiter of waiters.splice(0)) {
      if (waiter.pattern.test(stderr)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    result,
    stderrMatches: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ pattern, resolve })),
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
