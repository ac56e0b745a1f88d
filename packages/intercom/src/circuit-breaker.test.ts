import { describe, expect, it } from 'vitest';
import { type CircuitState, createCircuitBreaker } from './circuit-breaker.ts';

function breakerWithClock(options: Parameters<typeof createCircuitBreaker>[0] = {}) {
  let time = 1_000_000;
  const changes: CircuitState[] = [];
  const breaker = createCircuitBreaker({
    now: () => time,
    onStateChange: (state) => changes.push(state),
    minimumCalls: 4,
    openMs: 1_000,
    maxOpenMs: 4_000,
    ...options,
  });
  const call = (failed: boolean) => {
    const admission = breaker.admit();
    if (admission.allowed) breaker.record(failed, admission.probe);
    return admission;
  };
  return { breaker, changes, call, advance: (ms: number) => (time += ms) };
}

describe('circuit breaker', () => {
  it('stays closed while failures are below the ratio or too few to judge', () => {
    const { breaker, call } = breakerWithClock();
    call(true);
    call(true);
    call(true); // 3 failures, fewer than minimumCalls
    expect(breaker.state).toBe('closed');
    const { breaker: mostlyFine, call: callFine } = breakerWithClock();
    for (const failed of [false, false, true, false, false, true]) callFine(failed);
    expect(mostlyFine.state).toBe('closed');
  });

  it('opens at the failure ratio and then refuses calls with the time left', () => {
    const { breaker, call, changes, advance } = breakerWithClock();
    for (const failed of [true, false, true, true]) call(failed);
    expect(breaker.state).toBe('open');
    expect(changes).toEqual(['open']);
    advance(400);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 600 });
  });

  it('lets one probe through when the open period ends; success closes it', () => {
    const { breaker, call, changes, advance } = breakerWithClock();
    for (let i = 0; i < 4; i += 1) call(true);
    advance(1_000);
    expect(breaker.state).toBe('half-open');
    const probe = breaker.admit();
    expect(probe).toEqual({ allowed: true, probe: true });
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 500 });
    breaker.record(false, true);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    expect(breaker.admit()).toEqual({ allowed: true, probe: false });
  });

  it('reopens for twice as long when the probe fails, up to the maximum', () => {
    const { breaker, call, advance } = breakerWithClock();
    for (let i = 0; i < 4; i += 1) call(true);
    const openFor: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const refused = breaker.admit();
      openFor.push(refused.allowed ? 0 : refused.retryAfterMs);
      advance(openFor.at(-1) ?? 0);
      const probe = breaker.admit();
      expect(probe.allowed).toBe(true);
      breaker.record(true, true);
    }
    expect(openFor).toEqual([1_000, 2_000, 4_000, 4_000]);
  });

  it('starts from the short open period again after it closed', () => {
    const { breaker, call, advance } = breakerWithClock();
    for (let i = 0; i < 4; i += 1) call(true);
    advance(1_000);
    breaker.record(true, breaker.admit().allowed); // failed probe: 2 s
    advance(2_000);
    breaker.record(false, breaker.admit().allowed); // closed
    for (let i = 0; i < 4; i += 1) call(true);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfterMs: 1_000 });
  });

  it('forgets failures older than its span', () => {
    const { breaker, call, advance } = breakerWithClock({ spanMs: 10_000 });
    call(true);
    call(true);
    call(true);
    advance(11_000);
    call(true);
    call(false);
    call(false);
    call(false);
    expect(breaker.state).toBe('closed');
  });

  it('frees the probe slot when the probe never left', () => {
    const { breaker, call, advance } = breakerWithClock();
    for (let i = 0; i < 4; i += 1) call(true);
    advance(1_000);
    const probe = breaker.admit();
    breaker.cancel(probe.allowed && probe.probe);
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
  });
});
