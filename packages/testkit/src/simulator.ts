import { join } from 'node:path';
import { type NodeProcess, startNodeProcess } from './node-process.ts';
import { REPO_ROOT } from './repo-root.ts';

export const SIM_TOKEN = 'sim-token';

export type SimulatorProcess = {
  readonly url: string;
  readonly token: string;
  /** GET/POST/PUT/DELETE on the simulator's /__sim/ control API. */
  control<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T>;
  /** A call to the simulated Intercom API, as another Intercom client would make it. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
  readonly process: NodeProcess<string>;
};

/**
 * The Intercom simulator (apps/intercom-sim) as a child process on a free port: the relay
 * meets it over HTTP through the real SDK, as it would meet Intercom.
 */
export async function startSimulator(args: string[] = []): Promise<SimulatorProcess> {
  const process = await startNodeProcess({
    script: join(REPO_ROOT, 'apps/intercom-sim/src/main.ts'),
    args: ['--port', '0', ...args],
    readyWhen: (_line, json) => (json?.event === 'listening' ? String(json.url) : undefined),
  });
  const url = process.ready;
  return {
    url,
    token: SIM_TOKEN,
    process,
    async control<T>(
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      path: string,
      body?: unknown,
    ): Promise<T> {
      const response = await fetch(`${url}/__sim/${path.replace(/^\//, '')}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`simulator ${method} ${path} answered ${response.status}`);
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${SIM_TOKEN}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`simulated Intercom ${method} ${path}: ${response.status}`);
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop: () => process.stop(),
  };
}
