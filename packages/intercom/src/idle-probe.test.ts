import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CircuitState } from './circuit-breaker.ts';
import { createIdleProbe } from './idle-probe.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(probe: () => Promise<unknown>) {
  const breaker = { state: 'open' as CircuitState };
  const idle = createIdleProbe({ breaker, probe, everyMs: 100 });
  return { breaker, idle };
}

describe('idle probe', () => {
  it('probes once the circuit is half-open and nobody else probes, one probe at a time', async () => {
    let finish = () => {};
    const probe = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const { breaker, idle } = setup(probe);
    idle.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(probe).not.toHaveBeenCalled(); // still open
    breaker.state = 'half-open';
    await vi.advanceTimersByTimeAsync(300);
    expect(probe).toHaveBeenCalledTimes(1); // the first is still out
    finish();
    breaker.state = 'closed';
    await vi.advanceTimersByTimeAsync(300);
    expect(probe).toHaveBeenCalledTimes(1);
    idle.stop();
  });

  it('keeps probing after a failed or refused probe while the circuit stays half-open', async () => {
    const probe = vi.fn(() => Promise.reject(new Error('circuit open')));
    const { breaker, idle } = setup(probe);
    breaker.state = 'half-open';
    idle.start();
    await vi.advanceTimersByTimeAsync(350);
    expect(probe).toHaveBeenCalledTimes(3);
    idle.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(probe).toHaveBeenCalledTimes(3);
  });
});
