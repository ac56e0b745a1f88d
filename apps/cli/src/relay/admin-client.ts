import { CliError, ExitCode } from '../errors.ts';
import { errorSummary, http } from '../http.ts';

export type LaneCounts = Record<
  'waiting' | 'active' | 'delayed' | 'prioritized' | 'failed' | 'completed',
  number
>;

export type AdminQueue = {
  lane: string;
  queue: string;
  paused: boolean;
  counts: LaneCounts;
  oldestWaitingAgeSeconds: number;
};

export type DeadLetter = {
  id: string;
  lane: string;
  name: string;
  attempts: number;
  failedAt: string | null;
  error: { code: string; message: string; retryable: boolean; requestId?: string; status?: number };
};

export type AdminClient = ReturnType<typeof createAdminClient>;

/** The ingress's /admin API (queues and dead letters), with the admin bearer token. */
export function createAdminClient(options: { adminUrl: string; token: string }) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const answer = await http(`${options.adminUrl}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}` },
      body: method === 'POST' ? (body ?? {}) : undefined,
      timeoutMs: 60_000,
    });
    if (answer.status >= 200 && answer.status < 300) return answer.json as T;
    if (answer.status === 401 || answer.status === 403) {
      throw new CliError(
        `the admin API refused ADMIN_TOKEN (${errorSummary(answer)})`,
        ExitCode.usage,
      );
    }
    throw new CliError(`${method} /admin${path}: ${errorSummary(answer)}`);
  }

  return {
    queues: async () => (await call<{ queues: AdminQueue[] }>('GET', '/queues')).queues,
    pause: (lane: string) =>
      call<{ lane: string; paused: boolean }>('POST', `/queues/${encodeURIComponent(lane)}/pause`),
    resume: (lane: string) =>
      call<{ lane: string; paused: boolean }>('POST', `/queues/${encodeURIComponent(lane)}/resume`),
    drain: (lane: string, limit: number) =>
      call<{ lane: string; removed: number; remaining: number; scheduled: number }>(
        'POST',
        `/queues/${encodeURIComponent(lane)}/drain`,
        { confirm: lane, limit },
      ),
    retry: (lane: string, limit: number) =>
      call<{ lane: string; retried: number; remaining: number }>(
        'POST',
        `/queues/${encodeURIComponent(lane)}/retry`,
        { limit },
      ),
    deadLetters: (query: { lane?: string; limit: number; offset?: number }) => {
      const params = new URLSearchParams({ limit: String(query.limit) });
      if (query.lane) params.set('lane', query.lane);
      if (query.offset) params.set('offset', String(query.offset));
      return call<{ deadLetters: DeadLetter[]; total: number }>('GET', `/dead-letters?${params}`);
    },
    replay: (body: { lane: string; jobIds?: string[]; limit?: number }) =>
      call<{ lane: string; replayed: number; remaining: number; notFound: string[] }>(
        'POST',
        '/dead-letters/replay',
        body,
      ),
  };
}
