import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { type ErrorCode, ErrorCodes, jobEffectOf } from './codes.ts';

const codes = Object.keys(ErrorCodes) as ErrorCode[];

describe('the error catalog', () => {
  it('never calls a code that fails a job retryable, nor one a job retries not retryable', () => {
    const disagreeing = codes.filter((code) => {
      const { onJob, retryable } = ErrorCodes[code];
      return (onJob === 'fail' && retryable) || (onJob === 'retry' && !retryable);
    });
    expect(disagreeing).toEqual([]);
  });

  it('gives every hold a wait and a label, and every deferral a delay', () => {
    for (const code of codes) {
      const effect = jobEffectOf(code);
      if (effect.onJob === 'hold') {
        expect(effect.holdMs, code).toBeGreaterThan(0);
        expect(effect.label, code).toMatch(/^[a-z_]+$/);
      }
      if (effect.onJob === 'defer') expect(effect.afterMs, code).toBeGreaterThan(0);
    }
  });

  it('gives an AppError what its code says, and says when it sent nothing', () => {
    const held = new AppError('INTERCOM_CIRCUIT_OPEN', 'held', { sentNothing: true });
    expect(held).toMatchObject({ httpStatus: 503, retryable: true, sentNothing: true });
    expect(new AppError('INTERCOM_UNAVAILABLE', 'timeout').sentNothing).toBe(false);
  });
});
