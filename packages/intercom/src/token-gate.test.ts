import { isAppError } from '@relay/errors';
import { describe, expect, it } from 'vitest';
import { createTokenGate } from './token-gate.ts';

function setup() {
  let token = 'old';
  let time = 1_000_000;
  const gate = createTokenGate({ token: () => token, now: () => time, holdMs: 60_000 });
  const admits = () => {
    try {
      gate.admit();
      return true;
    } catch (error) {
      if (!isAppError(error)) throw error;
      expect(error).toMatchObject({ code: 'INTERCOM_UNAUTHORIZED', retryAfterMs: 1_000 });
      return false;
    }
  };
  return {
    gate,
    admits,
    rotate: (value: string) => (token = value),
    advance: (ms: number) => (time += ms),
  };
}

describe('token gate', () => {
  it('lets every call through until Intercom refuses the token', () => {
    const { admits } = setup();
    expect([admits(), admits()]).toEqual([true, true]);
  });

  it('refuses calls with the refused token, without a call and with a short wait', () => {
    const { gate, admits, advance } = setup();
    gate.refuse('old');
    expect(admits()).toBe(false);
    advance(59_000);
    expect(admits()).toBe(false);
  });

  it('lets calls through at once when the token changes', () => {
    const { gate, admits, rotate } = setup();
    gate.refuse('old');
    rotate('new');
    expect([admits(), admits()]).toEqual([true, true]);
  });

  it('tries the refused token again with one call per hold period', () => {
    const { gate, admits, advance } = setup();
    gate.refuse('old');
    advance(60_000);
    expect([admits(), admits()]).toEqual([true, false]);
    advance(60_000);
    expect(admits()).toBe(true);
  });

  it('ignores a refusal of a token no longer in use', () => {
    const { gate, admits, rotate } = setup();
    rotate('new');
    gate.refuse('old');
    expect(admits()).toBe(true);
  });
});
