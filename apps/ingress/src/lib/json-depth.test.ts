import { describe, expect, it } from 'vitest';
import { nestedDeeperThan } from './json-depth.ts';

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
