import { histogramQuantile, type LabelFilter, type Sample, sumSamples } from '@relay/telemetry';

/** What one process's /metrics said at the start and the end of the sampling interval. */
export type SourceWindow = {
  url: string;
  role: 'ingress' | 'worker';
  /** null: one scrape only (--interval 0), so counters count from the process's start. */
  first: Sample[] | null;
  last: Sample[];
  /** Seconds between the two scrapes, or since the process started. */
  seconds: number;
};

/**
 * How much a counter grew over the window, summed across processes. A counter that went
 * down was reset by a restart: its whole current value is the increase.
 */
export function increase(windows: readonly SourceWindow[], name: string, filter: LabelFilter = {}) {
  let total = 0;
  for (const window of windows) {
    const last = sumSamples(window.last, name, filter);
    const first = window.first ? sumSamples(window.first, name, filter) : 0;
    total += last >= first ? last - first : last;
  }
  return total;
}

/** Per-minute rate of a counter across processes (each over its own window). */
export function perMinute(
  windows: readonly SourceWindow[],
  name: string,
  filter: LabelFilter = {},
) {
  return windows.reduce(
    (sum, window) => sum + (increase([window], name, filter) / Math.max(window.seconds, 1)) * 60,
    0,
  );
}

/** The highest current value of a gauge across processes, or undefined when none has it. */
export function gaugeMax(
  windows: readonly SourceWindow[],
  name: string,
  filter: (sample: Sample) => boolean = () => true,
): number | undefined {
  const values = windows.flatMap((window) =>
    window.last.filter((s) => s.name === name && filter(s)).map((s) => s.value),
  );
  return values.length === 0 ? undefined : Math.max(...values);
}

/** The latest value of a gauge per label value (max across processes). */
export function gaugeMaxBy(windows: readonly SourceWindow[], name: string, label: string) {
  const out = new Map<string, number>();
  for (const window of windows) {
    for (const s of window.last) {
      if (s.name !== name) continue;
      const key = s.labels[label] ?? '';
      out.set(key, Math.max(out.get(key) ?? Number.NEGATIVE_INFINITY, s.value));
    }
  }
  return out;
}

/** How much a gauge changed over the window per label value (max across processes). */
export function gaugeDeltaBy(
  windows: readonly SourceWindow[],
  name: string,
  label: string,
  filter: LabelFilter,
): Map<string, number> | undefined {
  if (windows.some((window) => window.first === null)) return undefined;
  const out = new Map<string, number>();
  for (const window of windows) {
    const before = new Map<string, number>();
    for (const s of window.first ?? []) {
      if (s.name === name && matches(s, filter)) before.set(s.labels[label] ?? '', s.value);
    }
    for (const s of window.last) {
      if (s.name !== name || !matches(s, filter)) continue;
      const key = s.labels[label] ?? '';
      const delta = s.value - (before.get(key) ?? s.value);
      out.set(key, Math.max(out.get(key) ?? Number.NEGATIVE_INFINITY, delta));
    }
  }
  return out;
}

/** A histogram quantile over the window: the buckets' increases, merged across processes. */
export function windowQuantile(q: number, windows: readonly SourceWindow[], name: string): number {
  const merged: Sample[] = [];
  for (const window of windows) {
    const before = new Map<string, number>();
    for (const s of window.first ?? []) {
      if (s.name === `${name}_bucket`) before.set(seriesKey(s), s.value);
    }
    for (const s of window.last) {
      if (s.name !== `${name}_bucket`) continue;
      const previous = before.get(seriesKey(s)) ?? 0;
      merged.push({ ...s, value: s.value >= previous ? s.value - previous : s.value });
    }
  }
  return histogramQuantile(q, merged, name);
}

function seriesKey(sample: Sample): string {
  return JSON.stringify(Object.entries(sample.labels).sort());
}

function matches(sample: Sample, filter: LabelFilter): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const have = sample.labels[key] ?? '';
    return typeof want === 'function' ? want(have) : have === want;
  });
}
