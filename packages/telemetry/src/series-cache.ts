/**
 * A labelled series resolved once per pair of label values, then reused: prom-client hashes
 * the label object on every `inc` or `observe`, which shows in the CPU profile of paths that
 * run per request or per job. Label values must be bounded, as for any metric.
 */
export function seriesByLabels<T>(
  resolve: (first: string, second: string) => T,
): (first: string, second: string) => T {
  const byFirst = new Map<string, Map<string, T>>();
  return (first, second) => {
    let bySecond = byFirst.get(first);
    if (!bySecond) {
      bySecond = new Map();
      byFirst.set(first, bySecond);
    }
    let series = bySecond.get(second);
    if (series === undefined) {
      series = resolve(first, second);
      bySecond.set(second, series);
    }
    return series;
  };
}
