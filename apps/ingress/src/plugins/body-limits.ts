import type { IncomingMessage } from 'node:http';
import { AppError } from '@relay/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { closeAfterBody, type DrainLimits } from '../lib/lingering-close.ts';

/**
 * After an answer sent before the body has all arrived (a 413, a 401), the rest is read and
 * discarded for up to this before the connection closes. 64 MiB covers a batch four times
 * over its 16 MiB limit; 10 s stays under Node's 15 s request timeout, which would otherwise
 * close it first.
 */
const DRAIN_LIMITS: DrainLimits = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000 };

/** "1 MiB", "16 MiB", "512 KiB": a limit as a person reads it. */
function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['MiB', 1024 * 1024],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** The 413's message, naming the route's limit. */
export function bodyTooLargeMessage(request: FastifyRequest): string {
  const limit = request.routeOptions.bodyLimit;
  return `the request body is larger than this route accepts: at most ${formatBytes(limit)}`;
}

/**
 * Every route's body limit, answered so that the client reads it:
 * - a declared Content-Length over the route's limit is refused before any body is read and,
 *   with `Expect: 100-continue`, instead of `100 Continue` (which is sent only to a request
 *   within its limit, once authentication has passed);
 * - an answer sent while the body is still arriving (413 for a body that grew past the limit,
 *   401 for a wrong token) says `Connection: close`, and the connection closes only once the
 *   rest of the body has been read and discarded (lib/lingering-close.ts), within
 *   DRAIN_LIMITS, so the client is not reset while it is still writing.
 */
export function registerBodyLimits(app: FastifyInstance, limits: DrainLimits = DRAIN_LIMITS) {
  const awaitingContinue = new WeakSet<IncomingMessage>();
  // With a listener here Node no longer sends 100 Continue by itself: the hook below decides.
  app.server.on('checkContinue', (request, response) => {
    awaitingContinue.add(request);
    app.server.emit('request', request, response);
  });

  // Callback hooks, not async ones: they run on every request, and a promise each costs.
  app.addHook('preParsing', (request, reply, payload, done) => {
    const declared = Number(request.headers['content-length']);
    if (declared > request.routeOptions.bodyLimit) {
      done(new AppError('PAYLOAD_TOO_LARGE', bodyTooLargeMessage(request)));
      return;
    }
    if (awaitingContinue.delete(request.raw)) reply.raw.writeContinue();
    done(null, payload);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (bodyStillArriving(request.raw)) {
      reply.header('connection', 'close');
      closeAfterBody(request.raw, limits);
    }
    done(null, payload);
  });
}

function bodyStillArriving(request: IncomingMessage): boolean {
  if (request.complete) return false;
  const declared = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || Number(declared) > 0;
}
