import { IntercomClient, IntercomError } from 'intercom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SimulatorOptions } from '../../src/options.ts';
import { startSimulator, token } from '../helpers.ts';
import { sdkRoutesByFile } from './sdk-routes.ts';

type Running = Awaited<ReturnType<typeof startSimulator>>;

/**
 * One listening simulator and a real `intercom-client` for a whole SDK test file (no SDK
 * retries, so every call is one request). Registers a last test: the file called exactly the
 * routes `sdk-routes.ts` assigns it.
 */
export function useSdk(file: keyof typeof sdkRoutesByFile, options: SimulatorOptions = {}) {
  const harness = {} as { client: IntercomClient; sim: Running };
  beforeAll(async () => {
    harness.sim = await startSimulator(options);
    harness.client = new IntercomClient({ token, baseUrl: harness.sim.baseUrl, maxRetries: 0 });
  });
  afterAll(() => harness.sim.close());
  return {
    get client() {
      return harness.client;
    },
    get sim() {
      return harness.sim;
    },
    /** Call last in the file (vitest runs a file's tests in order). */
    checkRoutesCalled() {
      it(`called exactly the routes assigned to "${file}"`, () => {
        const called = new Set(
          harness.sim.state.journal.list().entries.map((e) => `${e.method} ${e.route}`),
        );
        expect([...called].sort()).toEqual([...sdkRoutesByFile[file]].sort());
      });
    },
  };
}

/** The IntercomError a call rejects with (anything else fails the test). */
export async function sdkErrorOf(promise: Promise<unknown>): Promise<IntercomError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof IntercomError)) {
    throw new Error(`expected an IntercomError, got ${String(error)}`);
  }
  return error;
}
