import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IntercomHttpError, sendError } from './intercom-error.ts';
import { errorForStatus } from './status-errors.ts';

/** Every failure answers in Intercom's envelope: thrown route errors, Fastify's own, 404s. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof IntercomHttpError) {
      return sendError(request, reply, error.statusCode, error.code, error.message);
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'route failed');
      return sendError(request, reply, 500, 'server_error', 'Internal Server Error');
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(request, reply, 415, 'unsupported_media_type', error.message);
    }
    const { code } = errorForStatus(status);
    return sendError(request, reply, status, code, error.message);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'not_found', 'Resource Not Found'),
  );
}

/** JSON bodies; an empty body with a JSON content type is no body (some clients send that). */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }));
    }
  });
}
