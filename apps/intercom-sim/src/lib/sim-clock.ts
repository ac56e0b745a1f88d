/**
 * The simulator's clock: the injected `now` shifted by an offset, or frozen at a moment. Only
 * `/__sim/clock` moves it, and only when clock control is on, so that a test of a listening
 * simulator (or the CLI) can make rate-limit windows and resets exact.
 */
export function createSimClock(base: () => number) {
  let offsetMs = 0;
  let frozenAt: number | null = null;

  const now = () => frozenAt ?? base() + offsetMs;
  return {
    now,
    /** Moves the clock to `ms` (epoch); frozen there if `freeze`, else running from there. */
    set(ms: number, freeze: boolean) {
      if (freeze) frozenAt = ms;
      else {
        frozenAt = null;
        offsetMs = ms - base();
      }
    },
    advance(ms: number) {
      if (frozenAt !== null) frozenAt += ms;
      else offsetMs += ms;
    },
    /** Lets a frozen clock run again from where it stands. */
    unfreeze() {
      if (frozenAt === null) return;
      offsetMs = frozenAt - base();
      frozenAt = null;
    },
    reset() {
      offsetMs = 0;
      frozenAt = null;
    },
    view: () => ({ nowMs: now(), offsetMs: now() - base(), frozen: frozenAt !== null }),
  };
}
