/**
 * PromQL words that are not metric names: operators, modifiers, and aggregations (which may
 * stand before `by (…)` rather than their '('). Functions are known by the '(' after them.
 */
const KEYWORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
  'atan2',
]);

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * The metric names a PromQL expression selects. A small scanner, not a parser: it skips
 * strings, label matchers `{…}`, ranges `[…]`, numbers and durations, label lists after
 * by/without/on/ignoring/group_*, and names called as functions. Syntax is promtool's job.
 */
export function promqlMetricNames(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  const skipPast = (close: string) => {
    while (i < expr.length && expr[i] !== close) {
      const quote = expr[i];
      if (quote === '"' || quote === "'" || quote === '`') {
        i += 1;
        while (i < expr.length && expr[i] !== quote) i += expr[i] === '\\' ? 2 : 1;
      }
      i += 1;
    }
    i += 1;
  };
  while (i < expr.length) {
    const char = expr[i] as string;
    if (char === '{') {
      i += 1;
      skipPast('}');
    } else if (char === '[') {
      i += 1;
      skipPast(']');
    } else if (char === '"' || char === "'" || char === '`') {
      i += 1;
      skipPast(char);
    } else if (/[0-9.]/.test(char)) {
      while (i < expr.length && /[0-9a-zA-Z.+]/.test(expr[i] as string)) i += 1;
    } else if (/[a-zA-Z_:]/.test(char)) {
      const start = i;
      while (i < expr.length && /[a-zA-Z0-9_:]/.test(expr[i] as string)) i += 1;
      const word = expr.slice(start, i);
      let next = i;
      while (next < expr.length && /\s/.test(expr[next] as string)) next += 1;
      if (LABEL_LISTS.has(word.toLowerCase()) && expr[next] === '(') {
        i = next + 1;
        skipPast(')');
      } else if (!KEYWORDS.has(word.toLowerCase()) && expr[next] !== '(') {
        names.add(word);
      }
    } else {
      i += 1;
    }
  }
  return [...names];
}
