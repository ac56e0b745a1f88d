import { AppError, type ErrorCode, isAppError } from '@relay/errors';
import { explainSchemaErrors } from '@relay/jobs';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyTooLargeMessage } from './body-limits.ts';

type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  }
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined && error.httpStatus < 500) body.error.details = error.details;
  return reply.code(error.httpStatus).send(body);
}

/**
 * The one place where errors become HTTP answers: `{ error: { code, message, details? } }`.
 * Fastify's own errors (bad JSON, too large, wrong media type, schema) become 4xx with our
 * codes; anything unexpected is logged with its stack and answered 500 without details.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = isAppError(error) ? error : fromFastifyError(error, request);
    if (appError.httpStatus >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code }, 'request rejected');
    }
    return sendError(reply, appError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AppError('ROUTE_NOT_FOUND', `no route for ${request.method} ${shownPath(request.url)}`),
    ),
  );
}

/** Route words (`/v1/contacts`); any other part may be an id, an email or a pasted token. */
const PLAIN_WORD = /^(?:[a-z][a-z-]{0,31}|v[0-9]{1,2})$/;

/** The path of a URL as an error message may repeat it: only its plain words, else `…`. */
function shownPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path
    .split('/')
    .map((part) => (part === '' || PLAIN_WORD.test(part) ? part : '…'))
    .join('/');
}

function fromFastifyError(error: FastifyError, request: FastifyRequest): AppError {
  if (error.validation) {
    const part = error.validationContext ?? 'body';
    const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[part];
    const { path, problem } = explainSchemaErrors(error.validation, schema);
    return new AppError('PAYLOAD_INVALID', `${where(part, path)} ${problem}`, {
      details: { in: part, path },
    });
  }
  const status = error.statusCode ?? 500;
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: 'PAYLOAD_INVALID',
    401: 'UNAUTHENTICATED',
    404: 'ROUTE_NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
  };
  const code = byStatus[status];
  if (code) return new AppError(code, cleanMessage(error, code, request), { cause: error });
  if (status >= 400 && status < 500)
    return new AppError('PAYLOAD_INVALID', error.message, { cause: error });
  return new AppError('INTERNAL', 'internal error', { cause: error });
}

/** `body/contacts`, `?lane`: the part of the request and the place in it. */
function where(part: string, path: string): string {
  const name = path.slice(1);
  switch (part) {
    case 'querystring':
      return name === '' ? 'the query string' : `?${name}`;
    case 'params':
      return name === '' ? 'the path' : `path parameter ${name}`;
    case 'headers':
      return name === '' ? 'the headers' : `header ${name}`;
    default:
      return `body${path === '/' ? '' : path}`;
  }
}

function cleanMessage(error: FastifyError, code: ErrorCode, request: FastifyRequest): string {
  switch (code) {
    case 'PAYLOAD_TOO_LARGE':
      return bodyTooLargeMessage(request);
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'send the body as application/json';
    case 'PAYLOAD_INVALID':
      return error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? 'the body is not valid JSON'
        : error.message;
    default:
      return error.message || code;
  }
}
