import { describe, expect, it } from 'vitest';
import { describeAuthHold, relayHold } from './auth-hold.ts';
import type { Readiness } from './readyz.ts';

const NOW = Date.parse('2026-05-01T14:07:12.000Z');
const HOLD = { since: '2026-05-01T14:03:12.345Z', probes: 3, nextProbeInMs: 12_400 };

function ready(intercom: Partial<Extract<Readiness, { reachable: true }>['intercom']>): Readiness {
  return {
    reachable: true,
    httpStatus: 200,
    status: 'degraded',
    redis: { status: 'up', usedRatio: 0 },
    intercom: { status: 'up', authenticated: true, error: null, ...intercom },
  };
}

describe('what the CLI says of a hold', () => {
  it('says how long, since when, the probes made and when the next one is', () => {
    expect(describeAuthHold(HOLD, NOW)).toBe(
      'for 4 min (since 2026-05-01T14:03:12Z), probed 3 times, next probe in 12 s',
    );
  });

  it('token check: a valid token with the relay still holding ends at the next probe', () => {
    const view = relayHold(ready({ authHold: HOLD }), true);
    expect(view.holding).toBe(true);
    expect(view.text).toMatch(
      /^holding calls for [\d.]+ .*; the token is valid now: the next probe ends the hold$/,
    );
  });

  it('token check: a refused token says what resumes the work', () => {
    const view = relayHold(ready({ status: 'unauthorized', authHold: HOLD }), false);
    expect(view.text).toMatch(
      /work resumes at the first probe Intercom accepts, or within a second of a valid token in the file$/,
    );
  });

  it('token check: no hold, no ingress token, no ingress', () => {
    expect(relayHold(ready({ authHold: null }), true)).toEqual({
      holding: false,
      text: 'not holding calls to Intercom (ingress /readyz)',
    });
    expect(relayHold(ready({ status: 'not_configured' }), true).holding).toBeNull();
    expect(relayHold({ reachable: false, detail: 'refused' }, true)).toEqual({
      holding: null,
      text: 'unknown: refused',
    });
  });
});
