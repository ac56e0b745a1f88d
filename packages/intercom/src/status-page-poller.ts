export type StatusPageReading = {
  /** null: the page could not be read (unreachable, not Statuspage JSON). */
  operational: boolean | null;
  indicator: string | null;
  description: string | null;
};

export type StatusPagePollerOptions = {
  /** A Statuspage.io status URL, e.g. https://www.intercomstatus.com/api/v2/status.json */
  url: string;
  intervalMs: number;
  /** @defaultValue 5000 */
  timeoutMs?: number;
  /** Every reading; `changed` when it differs from the one before. */
  onReading: (reading: StatusPageReading, changed: boolean) => void;
  fetch?: typeof fetch;
};

/**
 * Polls Intercom's public status page, so an incident Intercom has declared shows up next to
 * the relay's own error rates (and tells on-call it is not us). The page is another host and
 * not the API: no token, no rate budget.
 */
export function createStatusPagePoller(options: StatusPagePollerOptions) {
  const fetchFn = options.fetch ?? fetch;
  let timer: NodeJS.Timeout | undefined;
  let last: StatusPageReading | undefined;

  async function read(): Promise<StatusPageReading> {
    try {
      const response = await fetchFn(options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) return unreadable();
      const body = (await response.json()) as {
        status?: { indicator?: unknown; description?: unknown };
      };
      const indicator = body.status?.indicator;
      if (typeof indicator !== 'string') return unreadable();
      const description = body.status?.description;
      return {
        operational: indicator === 'none',
        indicator,
        description: typeof description === 'string' ? description : null,
      };
    } catch {
      return unreadable();
    }
  }

  async function poll(): Promise<StatusPageReading> {
    const reading = await read();
    const changed =
      last?.operational !== reading.operational || last?.indicator !== reading.indicator;
    last = reading;
    options.onReading(reading, changed);
    return reading;
  }

  return {
    /** Reads now, then every intervalMs until stop(). */
    start(): Promise<StatusPageReading> {
      const first = poll();
      timer = setInterval(() => void poll(), options.intervalMs);
      timer.unref();
      return first;
    },
    poll,
    latest: () => last,
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

function unreadable(): StatusPageReading {
  return { operational: null, indicator: null, description: null };
}

export type StatusPagePoller = ReturnType<typeof createStatusPagePoller>;
