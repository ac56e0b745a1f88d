import fc from 'fast-check';

/** Strings that have broken parsers, validators, loggers and terminals before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202eevil\u202c', // right-to-left override
  'שלום עולם',
  'مرحبا',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'a\ud83d',
  '😀👩‍👩‍👧',
  'e\u0301',
  '\ufeff',
  '\u2028\u2029',
  '\r\n\t',
  '%00',
  '%ZZ',
  '../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, on purpose
  '{{7*7}}${7*7}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$where',
  'NaN',
  '-0',
  '1e309',
  'null',
] as const;

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 2, 32_503_680_001, 0.5),
);

const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** Any JSON value (lone surrogates included: JSON.stringify escapes them). */
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Every path to a value inside `value` (the root is []). */
export function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const found = [at];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) found.push(...pathsOf(item, [...at, i]));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) found.push(...pathsOf(item, [...at, key]));
  }
  return found;
}

/** A copy of `value` with the value at `path` replaced. */
export function replaceAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return next;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = replaceAt(copy[head], rest, next);
  return copy;
}

const POISONS = [
  '"__proto__":{"polluted":"yes"}',
  '"constructor":{"prototype":{"polluted":"yes"}}',
  '"prototype":{"polluted":"yes"}',
  '"__proto__":{"isAdmin":true,"polluted":"yes"}',
  '"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}', // __proto__ written with escapes
];

/** Body texts made from a valid body: broken, retyped, poisoned, truncated or garbage. */
export function badBodies(valid: () => unknown): fc.Arbitrary<{ kind: string; text: string }> {
  const base = valid();
  const json = JSON.stringify(base);
  const paths = pathsOf(base);
  const objectStarts = [...json.matchAll(/\{/g)].map((match) => match.index ?? 0);
  return fc.oneof(
    fc.tuple(fc.nat({ max: paths.length - 1 }), anyJson).map(([i, next]) => ({
      kind: 'retyped',
      text: JSON.stringify(replaceAt(base, paths[i] ?? [], next)),
    })),
    fc.tuple(fc.nat({ max: paths.length - 1 }), text).map(([i, next]) => ({
      kind: 'unicode',
      text: JSON.stringify(replaceAt(base, paths[i] ?? [], next)),
    })),
    fc
      .tuple(fc.nat({ max: Math.max(0, objectStarts.length - 1) }), fc.constantFrom(...POISONS))
      .map(([i, poison]) => {
        const at = (objectStarts[i] ?? 0) + 1;
        const rest = json.slice(at);
        return {
          kind: 'poisoned',
          text: `${json.slice(0, at)}${poison}${rest.startsWith('}') ? '' : ','}${rest}`,
        };
      }),
    fc.nat({ max: json.length - 1 }).map((n) => ({ kind: 'truncated', text: json.slice(0, n) })),
    fc.tuple(text, anyJson).map(([key, extra]) => ({
      kind: 'extra field',
      text: JSON.stringify({ ...(base as object), [key]: extra }),
    })),
    anyJson.map((value) => ({ kind: 'any JSON', text: JSON.stringify(value) })),
    fc
      .string({ unit: 'binary', maxLength: 200 })
      .map((garbage) => ({ kind: 'garbage', text: garbage })),
    fc
      .tuple(
        fc.nat({ max: json.length }),
        fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\u0000'),
      )
      .map(([at, char]) => ({
        kind: 'malformed',
        text: `${json.slice(0, at)}${char}${json.slice(at)}`,
      })),
  );
}

/** Percent-encodes every code unit, lone surrogates too (as WTF-8, which no decoder accepts). */
function encodeLoose(value: string): string {
  let out = '';
  for (const char of value) {
    const cp = char.codePointAt(0) ?? 0;
    if (/[A-Za-z0-9_.~-]/.test(char)) out += char;
    else
      out += utf8Bytes(cp)
        .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('');
  }
  return out;
}

function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

/** A path segment: any text encoded, raw URL characters, broken escapes, or very long. */
export const pathSegment = fc.oneof(
  text.map(encodeLoose),
  fc.string({
    unit: fc.constantFrom(
      '%',
      'A',
      'f',
      '0',
      '9',
      '.',
      ';',
      '~',
      '-',
      '_',
      '!',
      '$',
      '&',
      '+',
      '=',
      '@',
      ':',
      ',',
    ),
    maxLength: 12,
  }),
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2F',
    '%2f..%2f',
    'a%00b',
    '%',
    '%zz',
    '%E0%A4%A',
    '%ED%A0%80',
    '%C0%AF',
  ),
  fc.integer({ min: 200, max: 3_000 }).map((length) => 'a'.repeat(length)),
);

/** A query string: known and unknown keys, repeated keys, bracket syntax, broken escapes. */
export const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'limit',
          'offset',
          'lane',
          'externalId',
          'state',
          '__proto__',
          'constructor[prototype][polluted]',
          'a[b]',
          '',
        ),
        text.map(encodeLoose),
      ),
      fc.oneof(
        text.map(encodeLoose),
        fc.constantFrom('1', '0', '-1', '1000000', '1e3', '%', '%zz', ''),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));

/** Header values Node accepts on the wire: visible ASCII, space, tab and Latin-1. */
export const headerValue = fc.string({
  unit: fc
    .oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0xa0, max: 0xff }),
      fc.constant(0x09),
    )
    .map((code) => String.fromCharCode(code)),
  maxLength: 80,
});

export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'APPLICATION/JSON',
    'application/jsonx',
    'application/vnd.api+json',
    'text/plain',
    'text/html',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/octet-stream',
    '*/*',
    ';',
    '',
  ),
  headerValue,
);
