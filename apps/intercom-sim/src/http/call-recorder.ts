import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CallStats } from '../observability/call-stats.ts';
import { type Journal, pickJournalHeaders } from '../observability/journal.ts';
import type { ResolvedOptions } from '../options.ts';
import type { SimulatorState } from '../state.ts';

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

/** Fastify hooks: record answered API calls; garble bodies picked by the malformed fault. */
export function createCallHooks(state: SimulatorState) {
  return {
    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (!request.sim?.malformed || typeof payload !== 'string' || payload === '') return payload;
      // Only successful answers are garbled: the write happened, the client cannot tell.
      if (reply.statusCode >= 300) return payload;
      state.stats.countFault('malformed');
      request.sim.outcome = 'malformed';
      return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
    },
    onResponse: async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.sim && !request.sim.control) state.recordCall(request, reply.statusCode);
    },
  };
}
