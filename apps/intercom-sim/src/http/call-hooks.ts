import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorState } from '../state.ts';

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
