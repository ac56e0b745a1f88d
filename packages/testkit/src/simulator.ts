import { join } from 'node:path';
import { heldForFile } from './held-for-file.ts';
import { type NodeProcess, startNodeProcess } from './node-process.ts';
import { REPO_ROOT } from './repo-root.ts';
import {
  type SimChanges,
  type SimWebhookFaultControl,
  simChanges,
  simWebhookFaults,
} from './sim-changes.ts';
import type { JournalEntry, SimContacts, SimEvents, SimStats, SimWebhooks } from './sim-views.ts';

export const SIM_TOKEN = 'sim-token';

/** Calls to a running simulator: its control API (`/__sim/`) typed, and its Intercom API. */
export type SimulatorClient = {
  /** GET/POST/PUT/PATCH/DELETE on the simulator's /__sim/ control API. */
  control<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T>;
  /** A call to the simulated Intercom API, as another Intercom client would make it. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * The API calls received, oldest first; with `since` (a seq), only those after it. `Body`:
   * the shape of the request bodies the test reads.
   */
  journal<Body = unknown>(since?: number): Promise<JournalEntry<Body>[]>;
  /** The seq of the last call received (0 before any): `journal(mark)` gives what follows. */
  journalMark(): Promise<number>;
  /** Every contact held (with its archived flag and write count) and those deleted. */
  contacts(): Promise<SimContacts>;
  /** The data events stored, and how many duplicates were refused. */
  events(): Promise<SimEvents>;
  /** Calls by endpoint and status, faults injected, the rate budget and webhook counts. */
  stats(): Promise<SimStats>;
  /** Webhook delivery counts, subscriptions and every delivery attempt. */
  webhooks(): Promise<SimWebhooks>;
  /** Changes made on Intercom's side (a lead, a teammate's edit…), each with its webhook. */
  readonly changes: SimChanges;
  /** Lose or reorder a share of webhook notifications. */
  readonly webhookFaults: SimWebhookFaultControl;
};

export type SimulatorProcess = SimulatorClient & {
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
  readonly process: NodeProcess<string>;
};

/** The calls of `SimulatorClient` to the simulator at `baseUrl()`. */
function simulatorClient(baseUrl: () => string): SimulatorClient {
  async function control<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${baseUrl()}/__sim/${path.replace(/^\//, '')}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator ${method} ${path} answered ${response.status}`);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  async function journal<Body = unknown>(since = 0): Promise<JournalEntry<Body>[]> {
    const path = since > 0 ? `journal?since=${since}` : 'journal';
    return (await control<{ entries: JournalEntry<Body>[] }>('GET', path)).entries;
  }
  return {
    control,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${baseUrl()}${path}`, {
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
    journal,
    journalMark: async () => (await journal()).at(-1)?.seq ?? 0,
    contacts: () => control<SimContacts>('GET', 'contacts'),
    events: () => control<SimEvents>('GET', 'events'),
    stats: () => control<SimStats>('GET', 'stats'),
    webhooks: () => control<SimWebhooks>('GET', 'webhooks'),
    changes: simChanges(baseUrl),
    webhookFaults: simWebhookFaults(baseUrl),
  };
}

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
    ...simulatorClient(() => url),
    url,
    token: SIM_TOKEN,
    process,
    stop: () => process.stop(),
  };
}

/**
 * One simulator process for the test file (or the `describe` it is called in): started in
 * beforeAll with `args` (or what the function gives then, for arguments known only once other
 * hooks ran), stopped in afterAll. The handle is valid inside hooks and tests.
 */
export function useSimulator(args: string[] | (() => string[]) = []): SimulatorProcess {
  const current = heldForFile(
    'the simulator',
    () => startSimulator(typeof args === 'function' ? args() : args),
    (sim) => sim.stop(),
  );
  return {
    ...simulatorClient(() => current().url),
    get url() {
      return current().url;
    },
    token: SIM_TOKEN,
    get process() {
      return current().process;
    },
    stop: () => current().stop(),
  };
}
