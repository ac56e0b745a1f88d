/**
 * A repeatable random sequence (mulberry32): a failing fault run prints its seed, and
 * `RELAY_FAULT_SEED=<seed>` replays the same kill points and victims.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed from RELAY_FAULT_SEED, or a fresh one. */
export function faultSeed(): number {
  const given = Number(process.env.RELAY_FAULT_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}
