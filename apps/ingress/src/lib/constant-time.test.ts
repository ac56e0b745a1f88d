import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, matchesAny } from './constant-time.ts';

describe('constantTimeEqual', () => {
  it.each([
    ['unequal lengths', 'short', 'a much longer token', false],
    ['one empty', '', 'token', false],
    ['both empty', '', '', true],
    ['a prefix', 'crm-token', 'crm-token-2', false],
    ['equal ASCII', 'crm-token', 'crm-token', true],
    ['equal non-ASCII', 'tökén-€-😀', 'tökén-€-😀', true],
    ['composed vs decomposed', '\u00e9', 'e\u0301', false],
    ['two lone surrogates', 'a\ud800', 'a\udc00', false],
    ['a lone surrogate vs U+FFFD', '\ud800', '\ufffd', false],
    ['NUL inside', 'tok\u0000en', 'tok\u0000em', false],
  ])('compares %s without throwing', (_name, a, b, equal) => {
    expect(constantTimeEqual(a, b)).toBe(equal);
    expect(constantTimeEqual(b, a)).toBe(equal);
  });

  it('equals === for any pair of strings, any lengths (fixed seed)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 64 });
    fc.assert(
      fc.property(text, text, (a, b) => constantTimeEqual(a, b) === (a === b)),
      { seed: 7, numRuns: 300 },
    );
    fc.assert(
      fc.property(text, (a) => constantTimeEqual(a, a)),
      { seed: 8, numRuns: 100 },
    );
  });
});

describe('matchesAny', () => {
  it('finds the token among several of other lengths, and nothing in an empty list', () => {
    expect(matchesAny('b-token', ['a', 'b-token', 'c-much-longer-token'])).toBe(true);
    expect(matchesAny('b-token', ['a', 'c-much-longer-token'])).toBe(false);
    expect(matchesAny('', [])).toBe(false);
    expect(matchesAny('x', [])).toBe(false);
  });
});
