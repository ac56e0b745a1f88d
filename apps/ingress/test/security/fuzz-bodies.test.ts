import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer, prototypeSnapshot, unpolluted } from './answers.ts';
import { badBodies } from './arbitraries.ts';
import { describeRequest, requestFor } from './requests.ts';
import { ROUTES } from './routes.ts';

const RUNS = 150;

/** What the ingress must make of the text: refuse it as invalid or as poisoned, or take it. */
function jsonShape(text: string): 'invalid' | 'poisoned' | 'json' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  // JSON.parse makes `__proto__` an own key; secure-json-parse refuses it, and constructor.prototype.
  const stack = [parsed];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      if (key === '__proto__') return 'poisoned';
      if (
        key === 'constructor' &&
        child &&
        typeof child === 'object' &&
        Object.hasOwn(child, 'prototype')
      )
        return 'poisoned';
      stack.push(child);
    }
  }
  return 'json';
}
const BODY_ROUTES = ROUTES.filter((route) => route.body);
const prototypes = prototypeSnapshot();
const t = useTestApp(WHOLE_INGRESS);
const tally = {
  requests: 0,
  byKind: new Map<string, number>(),
  byStatus: new Map<number, number>(),
};

afterAll(async () => {
  console.info(
    `fuzzed bodies: ${tally.requests} requests over ${BODY_ROUTES.length} routes;`,
    Object.fromEntries(tally.byKind),
    Object.fromEntries(tally.byStatus),
  );
});

describe('every route that takes a body, fed malformed, retyped, poisoned and unicode JSON', () => {
  it.each(BODY_ROUTES.map((route) => [`${route.method} ${route.template}`, route] as const))(
    '%s answers a clear 4xx or its normal 2xx, never a 5xx, and pollutes no prototype',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(badBodies(route.body as () => unknown), async (body) => {
          const request = requestFor(route, { body: body.text });
          const response = await t().app.inject(request);
          tally.requests++;
          tally.byKind.set(body.kind, (tally.byKind.get(body.kind) ?? 0) + 1);
          tally.byStatus.set(
            response.statusCode,
            (tally.byStatus.get(response.statusCode) ?? 0) + 1,
          );
          expectClearAnswer(response, `${describeRequest(request)} (${body.kind})`);
          const shape = jsonShape(body.text);
          if (shape !== 'json') {
            expect(response.statusCode, `${shape}: ${body.text.slice(0, 200)}`).toBe(400);
            expect(response.json().error.code).toBe('PAYLOAD_INVALID');
          }
          expect(unpolluted()).toBe(true);
        }),
        { seed: 20_250_701, numRuns: RUNS },
      );
      expect((await t().app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    },
  );

  it('leaves Object.prototype and the other prototypes as they were', () => {
    expect(unpolluted()).toBe(true);
    expect(prototypeSnapshot()).toBe(prototypes);
  });
});
