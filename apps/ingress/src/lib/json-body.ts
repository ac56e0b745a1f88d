import { AppError } from '@relay/errors';

/** What every JSON parser of the ingress answers, so a refusal reads the same everywhere. */
export const INVALID_JSON = 'the body is not valid JSON';
export const PROTOTYPE_KEY =
  'the body has a __proto__ or constructor.prototype key, which is refused';

/** A key spelled with escapes (`"\u005f_proto__"`) is still that key. */
const MAY_HOLD_PROTOTYPE_KEY = /proto|constructor|\\u/;

/**
 * JSON.parse, refusing the keys that pollute prototypes once the value is merged or spread
 * (`__proto__`, `constructor.prototype`), as Fastify's own parser does, but saying which of
 * the two was wrong: Fastify answers "not valid JSON" for both.
 */
export function parseJsonBody(text: string): unknown {
  const value = parseJson(text);
  if (MAY_HOLD_PROTOTYPE_KEY.test(text) && hasPrototypeKey(value)) {
    throw new AppError('PAYLOAD_INVALID', PROTOTYPE_KEY);
  }
  return value;
}

/** JSON.parse, with a syntax error answered as PAYLOAD_INVALID. No check of the keys. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AppError('PAYLOAD_INVALID', INVALID_JSON, { cause });
  }
}

/** `__proto__`, or `constructor` holding a `prototype`: keys that pollute once merged or spread. */
export function isPrototypeKey(key: string, child: unknown): boolean {
  if (key === '__proto__') return true;
  return (
    key === 'constructor' &&
    typeof child === 'object' &&
    child !== null &&
    Object.hasOwn(child, 'prototype')
  );
}

/** Iterative: a body nested 100,000 deep must not overflow the stack here. */
function hasPrototypeKey(root: unknown): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (isPrototypeKey(key, child)) return true;
      stack.push(child);
    }
  }
  return false;
}
