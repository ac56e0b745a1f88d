import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IntercomHttpError } from '../http/intercom-error.ts';

/** How the control API (`/__sim/`) answers a refusal. */
export type ControlError = { error: { code: string; message: string } };

function controlError(code: string, message: string): ControlError {
  return { error: { code, message } };
}

/**
 * Route options for control routes that write through the API's stores: what those throw
 * (404 `not_found`, 409 `conflict`, 400 `parameter_invalid`…) keeps its status and code but is
 * answered in the control API's shape rather than Intercom's `error.list`.
 */
export const controlErrorHandling = {
  errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    if (error instanceof IntercomHttpError) {
      return reply.code(error.statusCode).send(controlError(error.code, error.message));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'control route failed');
      return reply.code(500).send(controlError('server_error', 'Internal Server Error'));
    }
    return reply.code(status).send(controlError('invalid_request', error.message));
  },
};
