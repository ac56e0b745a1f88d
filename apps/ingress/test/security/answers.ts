import { ErrorCodes, isErrorCode } from '@relay/errors';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/**
 * The pass criteria for any answer to any input: never a 5xx; a refusal is our envelope
 * `{error:{code,message}}` with a catalogued code whose status is the one answered.
 * `context` starts with `METHOD url`.
 */
export function expectClearAnswer(response: LightMyRequestResponse, context: string): void {
  expect(response.statusCode, `${context}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  // HEAD answers carry no body; bull-board answers its own errors in its own shape.
  if (response.statusCode < 400 || context.startsWith('HEAD ') || context.includes(' /admin/ui'))
    return;
  const body = parseJson(response.body);
  const code = (body as { error?: { code?: unknown } })?.error?.code;
  const message = (body as { error?: { message?: unknown } })?.error?.message;
  expect(isErrorCode(code), `${context}: code ${String(code)}`).toBe(true);
  expect(ErrorCodes[code as keyof typeof ErrorCodes].httpStatus, context).toBe(response.statusCode);
  expect(typeof message === 'string' && message.length > 0, context).toBe(true);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the prototypes look like now, to compare after a run (pollution would change it). */
export function prototypeSnapshot(): string {
  const describe = (target: object) =>
    Reflect.ownKeys(target)
      .map((key) => String(key))
      .sort()
      .join(',');
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map(describe)
    .join('|');
}

/** True while no request has planted a property on Object.prototype. */
export function unpolluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    probe.polluted === undefined &&
    probe.isAdmin === undefined &&
    Object.getPrototypeOf(probe) === Object.prototype &&
    Object.getPrototypeOf(Object.prototype) === null
  );
}
