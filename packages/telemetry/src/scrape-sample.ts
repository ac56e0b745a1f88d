import type { Gauge } from 'prom-client';

/**
 * How long a scrape waits for a fresh reading before it answers with the last one. A healthy
 * Redis answers in milliseconds; a Redis that is down or hung would otherwise hold every
 * scrape for its own timeouts (seconds), past `relay triage`'s and Prometheus's, so the
 * process would look down exactly when its other metrics matter most.
 */
export const SCRAPE_WAIT_MS = 500;

/**
 * A reading that has not settled after this long is no longer waited for, so a command that
 * never answers (a hung Redis) cannot keep the next reading from starting once it is back.
 */
const READING_GIVE_UP_MS = 30_000;

export type ScrapeSampleOptions = {
  /** Reads the source and sets the gauges; while it fails they keep their last values. */
  read: () => Promise<void>;
  /** Seconds since the last reading that succeeded (since start-up before the first). */
  age: Gauge;
  /** @defaultValue SCRAPE_WAIT_MS */
  waitMs?: number;
  now?: () => number;
};

/**
 * Gauges whose values are read from another system (Redis) when Prometheus scrapes, without
 * the scrape waiting on that system: `attach` makes each gauge's collection wait at most
 * `waitMs` for one shared reading; past that the scrape is answered with the last values and
 * `age` says how old they are. The reading goes on and serves the next scrape.
 */
export function createScrapeSample(options: ScrapeSampleOptions) {
  const now = options.now ?? Date.now;
  const waitMs = options.waitMs ?? SCRAPE_WAIT_MS;
  let readAt = now();
  let reading: Promise<void> | undefined;

  function startReading(): Promise<void> {
    reading ??= settleWithin(
      options.read().then(
        () => {
          readAt = now();
        },
        () => {
          // The source does not answer: the gauges keep their last values, `age` grows.
        },
      ),
      READING_GIVE_UP_MS,
    ).finally(() => {
      reading = undefined;
    });
    return reading;
  }

  async function collect(): Promise<void> {
    await settleWithin(startReading(), waitMs);
    options.age.set((now() - readAt) / 1000);
  }

  return {
    /** Makes these gauges (and `age`) take their values from the shared reading when collected. */
    attach(...gauges: Gauge<string>[]): void {
      for (const gauge of [...gauges, options.age]) Object.assign(gauge, { collect });
    },
  };
}

export type ScrapeSample = ReturnType<typeof createScrapeSample>;

function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, gaveUp]).finally(() => clearTimeout(timer));
}
