export type MemoryReading = { usedBytes: number; maxBytes: number };

/** `used_memory` and `maxmemory` (0: no limit) from the text of `INFO memory`. */
export function parseMemoryInfo(info: string): MemoryReading {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { usedBytes: field('used_memory'), maxBytes: field('maxmemory') };
}

/** Share of `maxmemory` from which Redis counts as full: intake stops, /readyz says `full`. */
export const REDIS_FULL_RATIO = 0.95;

/**
 * Share of `maxmemory` from which Redis counts as filling: /readyz says `degraded`, and the
 * workers trim the completed jobs kept for retention (apps/worker/src/retention.ts), so
 * that what fills Redis is never what is merely kept.
 */
export const REDIS_FILLING_RATIO = 0.8;

export type MemoryHeadroomOptions = {
  /** Reads Redis memory use (the producer's `memory()`); maxBytes 0 means no maxmemory. */
  read: () => Promise<MemoryReading>;
  /**
   * Intake stops from this share of `maxmemory`. With `noeviction`, a full Redis refuses every
   * write, the workers' too: they could not finish a single job, so intake must stop while
   * there is still room for them to drain what is stored. 0.95 is also where /readyz says
   * `full`, so a load balancer and the ingress stop at the same moment.
   * @defaultValue 0.95
   */
  maxRatio?: number;
  /** Redis is asked at most this often; requests in between use the last answer. @defaultValue 1000 */
  sampleEveryMs?: number;
  /**
   * How often instead once the last answer is within 10 points of `maxRatio`: there, a
   * second of intake can be all the room left (measured: 99.4 % of maxmemory reached at 1 s).
   * @defaultValue 100
   */
  nearSampleEveryMs?: number;
  now?: () => number;
};

/**
 * Whether Redis has room for more intake, from `used_memory / maxmemory` sampled at most once
 * per `sampleEveryMs`, or per `nearSampleEveryMs` close to the line (one read shared by every
 * request waiting on it). A failed read counts as room: a Redis that does not answer refuses
 * the store itself, with the same 503.
 */
export function createMemoryHeadroom(options: MemoryHeadroomOptions) {
  const maxRatio = options.maxRatio ?? REDIS_FULL_RATIO;
  const sampleEveryMs = options.sampleEveryMs ?? 1_000;
  const nearSampleEveryMs = options.nearSampleEveryMs ?? 100;
  const now = options.now ?? Date.now;
  let sample: { at: number; ratio: number } | undefined;
  let reading: Promise<void> | undefined;

  const refresh = () => {
    reading ??= options
      .read()
      .then(
        (memory) => (memory.maxBytes > 0 ? memory.usedBytes / memory.maxBytes : 0),
        () => 0,
      )
      .then((ratio) => {
        sample = { at: now(), ratio };
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  const isFresh = (): boolean => {
    if (!sample) return false;
    const every = sample.ratio >= maxRatio - 0.1 ? nearSampleEveryMs : sampleEveryMs;
    return now() - sample.at < every;
  };

  return {
    async hasRoom(): Promise<boolean> {
      if (!isFresh()) await refresh();
      return (sample?.ratio ?? 0) < maxRatio;
    },
    /**
     * The answer hasRoom() would give without waiting, or undefined when the last sample is
     * stale and Redis must be asked (hot paths then fall back to hasRoom()).
     */
    roomIfFresh(): boolean | undefined {
      return isFresh() ? (sample?.ratio ?? 0) < maxRatio : undefined;
    },
    /** The last sampled share of maxmemory in use (0 before the first read or without a limit). */
    usedRatio: (): number => sample?.ratio ?? 0,
  };
}

export type MemoryHeadroom = ReturnType<typeof createMemoryHeadroom>;
