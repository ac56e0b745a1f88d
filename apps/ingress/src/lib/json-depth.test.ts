import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './json-body.ts';
import { jsonHazard } from './json-depth.ts';

const nestedDeeperThan = (value: unknown, max: number) => jsonHazard(value, max) === 'too_deep';

function nested(levels: number): unknown {
  return JSON.parse(`${'{"a":['.repeat(levels)}1${']}'.repeat(levels)}`);
}

describe('nestedDeeperThan', () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(nestedDeeperThan(1, 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestedDeeperThan({ a: [1] }, 1)).toBe(true);
    expect(nestedDeeperThan({ a: 1, b: { c: { d: [] } } }, 3)).toBe(true);
    expect(nestedDeeperThan({ a: 1, b: { c: { d: [] } } }, 4)).toBe(false);
  });

  it('handles nesting far deeper than the call stack allows, without throwing', () => {
    const deep = nested(200_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(nestedDeeperThan(deep, 64)).toBe(true);
  });
});

describe('nestedDeeperThan limits', () => {
  it('refuses a limit its own recursion could not reach safely', () => {
    expect(() => nestedDeeperThan({}, 1_001)).toThrow(RangeError);
    expect(nestedDeeperThan(nested(500), 1_000)).toBe(false); // two levels per step
    expect(nestedDeeperThan(nested(501), 1_000)).toBe(true);
  });
});

describe('jsonHazard prototype keys', () => {
  it('finds __proto__ and constructor.prototype at any level, and nothing in plain bodies', () => {
    expect(jsonHazard(JSON.parse('{"__proto__":{"x":1}}'), 64)).toBe('prototype_key');
    expect(jsonHazard(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'), 64)).toBe('prototype_key');
    expect(jsonHazard(JSON.parse('{"a":{"constructor":{"prototype":{}}}}'), 64)).toBe(
      'prototype_key',
    );
    expect(jsonHazard(JSON.parse('{"constructor":"x","proto":{"prototype":1}}'), 64)).toBe(
      undefined,
    );
    expect(jsonHazard(JSON.parse('{"a":[1,{"b":null}],"c":"__proto__"}'), 64)).toBe(undefined);
  });

  it('agrees with the ingress JSON parser on every body (fixed seed)', () => {
    const key = fc.constantFrom('a', 'b', '__proto__', 'constructor', 'prototype', 'x');
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant(1),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        // JSON.stringify writes a "__proto__" own key as a plain key; JSON.parse makes it own again.
        const text = JSON.stringify(value);
        let refused = false;
        try {
          parseJsonBody(text);
        } catch {
          refused = true;
        }
        expect(jsonHazard(JSON.parse(text), 64) === 'prototype_key').toBe(refused);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
