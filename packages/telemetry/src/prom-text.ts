/**
 * Reads Prometheus text exposition: enough to sum counters and take histogram quantiles
 * across several processes' /metrics (the demo summary, the CLI's triage).
 */
export type Sample = { name: string; labels: Record<string, string>; value: number };

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1] ?? ''] = label[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

export type LabelFilter = Record<string, string | ((value: string) => boolean)>;

function matches(sample: Sample, filter: LabelFilter): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const have = sample.labels[key] ?? '';
    return typeof want === 'function' ? want(have) : have === want;
  });
}

/** The sum of every sample of `name` whose labels match. */
export function sumSamples(
  samples: readonly Sample[],
  name: string,
  filter: LabelFilter = {},
): number {
  return samples
    .filter((s) => s.name === name && matches(s, filter))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Sums by one label, e.g. calls by status code. */
export function sumBy(
  samples: readonly Sample[],
  name: string,
  label: string,
  filter: LabelFilter = {},
) {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name || !matches(s, filter)) continue;
    const key = s.labels[label] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/**
 * The q-quantile of a histogram, as PromQL's histogram_quantile computes it: buckets summed
 * across the matching series, linear interpolation inside the bucket. NaN without data.
 */
export function histogramQuantile(
  q: number,
  samples: readonly Sample[],
  name: string,
  filter: LabelFilter = {},
): number {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !matches(s, filter)) continue;
    const bound = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  const buckets = [...byBound.entries()].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return previousBound;
      if (count === previousCount) return bound;
      return (
        previousBound + ((bound - previousBound) * (rank - previousCount)) / (count - previousCount)
      );
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}
