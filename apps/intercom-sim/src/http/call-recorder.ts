import type { FastifyRequest } from 'fastify';
import type { CallStats } from '../observability/call-stats.ts';
import { type Journal, pickJournalHeaders } from '../observability/journal.ts';
import type { ResolvedOptions } from '../options.ts';

/** The endpoint label for stats: method and route pattern (`GET /contacts/:contact_id`). */
function endpointOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
}

/** Counts an API call and adds it to the journal; status 0 means "never answered". */
export function createCallRecorder(state: {
  stats: CallStats;
  journal: Journal;
  options: ResolvedOptions;
}) {
  return function recordCall(request: FastifyRequest, status: number): void {
    state.stats.record(endpointOf(request), status);
    state.journal.record({
      at: state.options.now(),
      requestId: request.id,
      method: request.method,
      path: request.url,
      route: request.routeOptions.url ?? null,
      status,
      appId: request.sim.appId,
      version: request.sim.version,
      outcome: request.sim.outcome,
      headers: pickJournalHeaders(request.headers),
      body: request.body ?? null,
    });
  };
}
