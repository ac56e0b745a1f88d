import type { FastifyReply, FastifyRequest } from 'fastify';

type IntercomErrorItem = { code: string; message?: string; field?: string };

type IntercomErrorBody = {
  type: 'error.list';
  request_id: string;
  errors: IntercomErrorItem[];
};

function errorBody(requestId: string, code: string, message: string): IntercomErrorBody {
  return { type: 'error.list', request_id: requestId, errors: [{ code, message }] };
}

/** Sends Intercom's error envelope; returns the reply so async hooks can `return sendError(…)`. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(status).send(errorBody(request.id, code, message));
}

/** The error a route throws to answer with a given status and code. */
export class IntercomHttpError extends Error {
  readonly statusCode: number;
  readonly code: string;

  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.name = 'IntercomHttpError';
    this.statusCode = statusCode;
    this.code = code;
  }
}

export function notFound(message = 'Resource Not Found'): IntercomHttpError {
  return new IntercomHttpError(404, 'not_found', message);
}

export function parameterInvalid(message: string): IntercomHttpError {
  return new IntercomHttpError(400, 'parameter_invalid', message);
}

export function parameterNotFound(message: string): IntercomHttpError {
  return new IntercomHttpError(400, 'parameter_not_found', message);
}
