import { describe, expect, it } from 'vitest';
import { INVALID_JSON, PROTOTYPE_KEY, parseJsonBody } from './json-body.ts';

describe('parseJsonBody', () => {
  it('parses JSON, keys named like prototype parts included', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
    expect(parseJsonBody('{"constructor":"x","prototype":1,"proto":2}')).toEqual({
      constructor: 'x',
      prototype: 1,
      proto: 2,
    });
  });

  it.each([
    '{"__proto__":{"polluted":"yes"}}',
    '[{"a":{"__proto__":{}}}]',
    '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
  ])('refuses %s as a prototype key', (text) => {
    expect(() => parseJsonBody(text)).toThrow(PROTOTYPE_KEY);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['', '{', '{"a":1,}', 'undefined', "{'a':1}"])('refuses %j as not JSON', (text) => {
    expect(() => parseJsonBody(text)).toThrow(INVALID_JSON);
  });

  it('checks a body nested 100,000 deep without overflowing the stack', () => {
    const deep = `${'{"constructor":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(parseJsonBody(deep)).toBeTypeOf('object');
  });
});
