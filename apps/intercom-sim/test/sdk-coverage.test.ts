import { afterAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../src/app.ts';
import { sdkRoutesByFile } from './sdk/sdk-routes.ts';

/**
 * The SDK test files, each of which checks that it called exactly its routes, together drive
 * every API route the router serves: a new route without an SDK test fails here.
 */
describe('SDK test coverage', () => {
  const sim = buildSimulator();
  afterAll(() => sim.app.close());

  it('drives every implemented API route through intercom-client', () => {
    const served = sim.routes
      .filter((route) => !route.url.startsWith('/__sim/'))
      .map((route) => `${route.method} ${route.url}`);
    const driven = new Set<string>(Object.values(sdkRoutesByFile).flat());
    expect(served.filter((route) => !driven.has(route))).toEqual([]);
    expect([...driven].filter((route) => !served.includes(route))).toEqual([]);
    console.info(`SDK coverage: ${driven.size}/${served.length} API routes`);
  });
});
