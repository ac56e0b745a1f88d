import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../src/app.ts';
import { apiCall } from './helpers.ts';
import { type ConformanceCase, conformanceCases, notInSpec } from './openapi/conformance-cases.ts';
import { buildWorld, defaultParams, type World } from './openapi/conformance-world.ts';
import { haveSpec, type LoadedSpec, loadSpec, specPath, specTemplate } from './openapi/spec.ts';

/**
 * Conformance: every answer of every implemented operation, success and error, is validated
 * with Ajv against the response schema Intercom's OpenAPI description gives for that operation
 * and status (errors it does not document: against its `error` envelope). The last test derives
 * the operation list from the simulator's router, so a new route without cases fails it.
 */
if (!haveSpec) console.warn(`openapi conformance skipped: ${specPath} is absent`);

const sim = buildSimulator();
const apiRoutes = sim.routes
  .filter((route) => !route.url.startsWith('/__sim/'))
  .map((route) => ({ method: route.method, template: specTemplate(route.url) }));
/** Listed top-level properties an answer may leave out, and why. */
const optional = new Map([['options', 'data attributes of the `options` type are not simulated']]);
let spec: LoadedSpec;
let world: World;

beforeAll(async () => {
  if (!haveSpec) return;
  spec = loadSpec();
  world = await buildWorld(sim);
});
afterAll(() => sim.app.close());

function urlOf(template: string, params: Record<string, string>, query = ''): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
  return query ? `${path}?${query}` : path;
}

function expectConforms(method: string, template: string, status: number, body: string) {
  const expected = spec.expectation(method, template, status);
  if (expected === 'empty') {
    expect(body, 'the spec documents no body').toBe('');
    return;
  }
  const answer = JSON.parse(body) as Record<string, unknown>;
  const valid = expected(answer);
  expect(expected.errors ?? [], JSON.stringify(expected.errors?.slice(0, 3))).toEqual([]);
  expect(valid).toBe(true);
  const listed = spec.topLevelProperties(method, template, status);
  const absent = listed.filter((name) => !(name in answer) && !optional.has(name));
  expect(absent, 'top-level properties the schema lists').toEqual([]);
}

async function run(c: ConformanceCase) {
  const params = { ...defaultParams(world), ...c.params?.(world) };
  if (c.injected) sim.state.faults.set({ errorRates: { [String(c.status)]: 1 } });
  try {
    return await apiCall(sim, {
      method: c.method,
      url: urlOf(c.template, params, c.query?.(world)),
      ...(c.body ? { body: c.body(world) } : {}),
    });
  } finally {
    if (c.injected) sim.state.faults.clear();
  }
}

describe.skipIf(!haveSpec)("answers match Intercom's OpenAPI 2.14 response schemas", () => {
  it.each(conformanceCases)('$method $template → $status: $what', async (c) => {
    const response = await run(c);
    expect(response.statusCode, response.body).toBe(c.status);
    expectConforms(c.method, c.template, c.status, response.body);
  });

  it.each(apiRoutes)('$method $template → 401 without a valid token', async (route) => {
    const response = await apiCall(sim, {
      method: route.method as 'GET',
      url: urlOf(route.template, defaultParams(world)),
      token: 'wrong-token',
    });
    expect(response.statusCode).toBe(401);
    expectConforms(route.method, route.template, 401, response.body);
  });

  it('covers every implemented operation and every status the spec documents for it', () => {
    const key = (method: string, template: string) => `${method} ${template}`;
    const implemented = new Set(apiRoutes.map((r) => key(r.method, r.template)));
    const cased = new Map<string, Set<number>>();
    for (const c of conformanceCases) {
      const op = key(c.method, c.template);
      expect(implemented.has(op), `case for a route the simulator does not serve: ${op}`).toBe(
        true,
      );
      cased.set(op, (cased.get(op) ?? new Set()).add(c.status));
    }
    for (const op of Object.keys(notInSpec)) {
      expect(implemented.has(op), `notInSpec lists ${op}, which is not served`).toBe(true);
    }

    const problems: string[] = [];
    let checked = 0;
    for (const { method, template } of apiRoutes) {
      const op = key(method, template);
      const inSpec = spec.operation(method, template) !== undefined;
      if (op in notInSpec) {
        if (inSpec) problems.push(`${op} is in the spec: remove it from notInSpec`);
        continue;
      }
      if (!inSpec) {
        problems.push(`${op} is not in the spec: add cases elsewhere and list it in notInSpec`);
        continue;
      }
      const statuses = cased.get(op) ?? new Set<number>();
      statuses.add(401); // every route is called without a token above
      if (![...statuses].some((s) => s < 300)) problems.push(`${op}: no success case`);
      for (const status of spec.documentedStatuses(method, template)) {
        if (!statuses.has(status)) problems.push(`${op}: documented ${status} has no case`);
      }
      checked++;
    }
    const pairs = [...cased.values()].reduce((n, s) => n + s.size, 0) + apiRoutes.length;
    const injected = conformanceCases.filter((c) => c.injected).length;
    console.info(
      `openapi conformance: ${checked}/${apiRoutes.length} implemented operations checked ` +
        `(${Object.keys(notInSpec).length} not in the spec); ` +
        `${pairs} operation/status pairs, ${injected} of them by fault injection`,
    );
    expect(problems).toEqual([]);
  });
});
