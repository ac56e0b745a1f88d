import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterEach } from 'vitest';
import { buildSimulator } from '../src/app.ts';
import type { SimulatorOptions } from '../src/options.ts';

export const token = 'sim-token';

/** A clock tests move by hand; starts 5 s into a 10 s window. */
export function createManualClock(startMs = Date.UTC(2026, 0, 1, 0, 0, 5)) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance(ms: number) {
      nowMs += ms;
    },
    set(ms: number) {
      nowMs = ms;
    },
  };
}

type ApiCall = {
  method?: InjectOptions['method'];
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | null;
};

/** An authenticated JSON call through `app.inject()`; `token: null` sends no Authorization. */
export function apiCall(sim: ReturnType<typeof buildSimulator>, call: ApiCall) {
  const headers: Record<string, string> = { ...call.headers };
  const bearer = call.token === undefined ? token : call.token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  return sim.app.inject({
    method: call.method ?? 'GET',
    url: call.url,
    headers,
    ...(call.body === undefined ? {} : { payload: call.body as InjectOptions['payload'] }),
  });
}

/** Listens on a free loopback port; `close()` must be called (afterEach). */
export async function startSimulator(options: SimulatorOptions = {}) {
  const sim = buildSimulator(options);
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = sim.app.server.address() as AddressInfo;
  return { ...sim, baseUrl: `http://127.0.0.1:${port}`, close: () => sim.app.close() };
}

/**
 * For tests that each need a simulator of their own options on a socket: `listen(options)`
 * starts one (startSimulator), and every one started is closed after its test.
 */
export function useListeningSimulators() {
  const running: Awaited<ReturnType<typeof startSimulator>>[] = [];
  afterEach(async () => {
    for (const sim of running.splice(0)) await sim.close();
  });
  return async (options: SimulatorOptions = {}) => {
    const sim = await startSimulator(options);
    running.push(sim);
    return sim;
  };
}
