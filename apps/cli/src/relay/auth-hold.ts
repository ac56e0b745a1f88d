import type { AuthHoldReading, Readiness } from './readyz.ts';

/**
 * "for 4 min (since 2026-05-01T14:03:12Z), probed 3 times, next probe in 12 s": a hold as
 * /readyz reports it, in the words triage and token check both use.
 */
export function describeAuthHold(hold: AuthHoldReading, now = Date.now()): string {
  const heldMs = Math.max(now - Date.parse(hold.since), 0);
  const since = hold.since.replace(/\.\d+Z$/, 'Z');
  const probes = `probed ${hold.probes} ${hold.probes === 1 ? 'time' : 'times'}`;
  return `for ${durationText(heldMs)} (since ${since}), ${probes}, next probe in ${durationText(hold.nextProbeInMs)}`;
}

function durationText(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Whether the relay holds its calls to Intercom, as its /readyz says; null when it cannot say. */
export type RelayHold = { holding: boolean | null; text: string; hold?: AuthHoldReading };

/**
 * What the relay's processes do with their token (every process shares the hold): for
 * `relay token check`, beside what Intercom said of the token just now.
 */
export function relayHold(ready: Readiness, tokenValid: boolean): RelayHold {
  if (!ready.reachable) return { holding: null, text: `unknown: ${ready.detail}` };
  if (ready.intercom.status === 'not_configured') {
    return {
      holding: null,
      text: 'unknown: the ingress has no INTERCOM_ACCESS_TOKEN, so its /readyz cannot tell',
    };
  }
  const hold = ready.intercom.authHold;
  if (!hold) return { holding: false, text: 'not holding calls to Intercom (ingress /readyz)' };
  const next = tokenValid
    ? 'the token is valid now: the next probe ends the hold'
    : 'work resumes at the first probe Intercom accepts, or within a second of a valid token in the file';
  return { holding: true, text: `holding calls ${describeAuthHold(hold)}; ${next}`, hold };
}
