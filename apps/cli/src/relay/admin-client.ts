import { CliError, ExitCode } from '../errors.ts';
import { describeUrl, errorSummary, type HttpAnswer, http } from '../http.ts';
import { FeedCursorExpiredError } from './feed-cursor-expired.ts';

type LaneCounts = Record<
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

type LogPosition = { cursor: string; at: string };

/** The CRM's webhook endpoint: `failing` while the circuit holds deliveries, `disabled` after a 410. */
export type EndpointState = 'ok' | 'failing' | 'disabled';

export type FeedStatus = {
  length: number;
  oldest: LogPosition | null;
  newest: LogPosition | null;
  trimmedBefore: string | null;
  retentionMs?: number;
  /** The push to the CRM: its endpoint's state and the records with an undelivered change. */
  push?: { endpointState: EndpointState; undelivered: number };
};

/** A change as GET /admin/feed/changes (and GET /v1/changes) answers it. */
export type FeedChange = {
  cursor: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { id: string };
};

export type FeedPage = { changes: FeedChange[]; next: string | null };

export type AdminClient = ReturnType<typeof createAdminClient>;

/**
 * What an answer from /admin says about the configuration, or undefined when it is about the
 * operation: a refused token (401), or no admin API at that URL (404 from no route at all: the
 * ingress serves /admin only with ADMIN_TOKEN set, and with ADMIN_PORT only on that port).
 * A 404 NOT_FOUND is the API's own (an unknown lane).
 */
export function adminConfigProblem(answer: HttpAnswer, adminUrl: string): string | undefined {
  const where = describeUrl(adminUrl);
  if (answer.status === 401 || answer.status === 403) {
    return `the admin API at ${where} refused ADMIN_TOKEN (${errorSummary(answer)}): the CLI's ADMIN_TOKEN (or ADMIN_TOKEN_FILE) must be the ingress's ADMIN_TOKEN`;
  }
  if (answer.status === 404 && errorCode(answer) !== 'NOT_FOUND') {
    return `no admin API at ${where} (${errorSummary(answer)}): the ingress serves /admin only when its ADMIN_TOKEN (or ADMIN_TOKEN_FILE) is set, and with ADMIN_PORT only on that port; set ADMIN_TOKEN on the ingress, or point ADMIN_URL (--admin-url) at its admin listener`;
  }
  return undefined;
}

function errorCode(answer: HttpAnswer): unknown {
  return (answer.json as { error?: { code?: unknown } } | undefined)?.error?.code;
}

/** The ingress's /admin API (queues, dead letters, the change feed), with the admin bearer token. */
export function createAdminClient(options: { adminUrl: string; token: string }) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const answer = await http(`${options.adminUrl}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}` },
      body: method === 'POST' ? (body ?? {}) : undefined,
      timeoutMs: 60_000,
    });
    if (answer.status >= 200 && answer.status < 300) return answer.json as T;
    if (answer.status === 410 && errorCode(answer) === 'FEED_CURSOR_EXPIRED') {
      throw new FeedCursorExpiredError(errorSummary(answer));
    }
    const problem = adminConfigProblem(answer, options.adminUrl);
    if (problem) throw new CliError(problem, ExitCode.usage);
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
    feedStatus: () => call<FeedStatus>('GET', '/feed/status'),
    feedChanges: (query: { after?: string | undefined; limit: number }) => {
      const params = new URLSearchParams({ limit: String(query.limit) });
      if (query.after) params.set('after', query.after);
      return call<FeedPage>('GET', `/feed/changes?${params}`);
    },
    feedEnable: () => call<{ endpointState: EndpointState }>('POST', '/feed/push/enable'),
    /** Changes after a cursor, or recorded from a time on, pushed to the CRM again. */
    feedReplay: (from: { after: string } | { since: string }) =>
      call<{ replayingAfter: string | null; pushedUpTo: string | null }>(
        'POST',
        '/feed/push/replay',
        from,
      ),
    replay: (body: { lane: string; jobIds?: string[]; limit?: number }) =>
      call<{ lane: string; replayed: number; remaining: number; notFound: string[] }>(
        'POST',
        '/dead-letters/replay',
        body,
      ),
  };
}
