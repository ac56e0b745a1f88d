/** One logged line, parsed (pino's JSON: `level` is the label, as createLogger writes it). */
export type LogEntry = { level?: string; msg?: string; [field: string]: unknown };

/** What a logger wrote to a `captureLogs()` destination. */
export type CapturedLogs = {
  /** Give this to `createLogger({ service, destination })`. */
  readonly destination: { write(text: string): void };
  /** Every line as written, newline included. */
  readonly lines: string[];
  /** Every line, parsed (a line that is not JSON comes as `{ msg: <the line> }`). */
  readonly entries: LogEntry[];
  /** The entries whose msg is `msg` (a RegExp: matches it), at `level` if given. */
  withMsg(msg: string | RegExp, level?: string): LogEntry[];
  /** The entries at `level` ('info', 'warn', 'error'…). */
  atLevel(level: string): LogEntry[];
  /** Everything written, as one text: to show that something was never logged. */
  text(): string;
};

/** A pino destination that keeps what is logged, for tests to read. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const entries: LogEntry[] = [];
  const matches = (msg: string | RegExp, entry: LogEntry) =>
    typeof msg === 'string' ? entry.msg === msg : msg.test(String(entry.msg ?? ''));
  return {
    destination: {
      write(text: string) {
        for (const line of text.split(/(?<=\n)/)) {
          if (line === '') continue;
          lines.push(line);
          try {
            entries.push(JSON.parse(line) as LogEntry);
          } catch {
            entries.push({ msg: line });
          }
        }
      },
    },
    lines,
    entries,
    withMsg: (msg, level) =>
      entries.filter(
        (entry) => matches(msg, entry) && (level === undefined || entry.level === level),
      ),
    atLevel: (level) => entries.filter((entry) => entry.level === level),
    text: () => lines.join(''),
  };
}
