import { AppError } from '@relay/errors';
import type { FastifyInstance } from 'fastify';

/**
 * A request without a body (none, or an empty one: many clients label every request
 * `Content-Type: application/json`, bodiless ones too; the JSON parser then gives
 * `undefined`, not a 400 "not valid JSON"), on a route with a body schema: where every field
 * is optional the body is `{}` (`POST /admin/queues/:lane/retry`), else it is refused saying
 * the body is missing, not that some field of it is. Routes without a body schema take none
 * and never look.
 */
export function registerEmptyBodies(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body !== undefined || !request.routeOptions.schema?.body) return done();
    const validate = request.getValidationFunction('body');
    const empty = {};
    if (typeof validate === 'function' && validate(empty) === true) {
      request.body = empty;
      return done();
    }
    done(
      new AppError(
        'PAYLOAD_INVALID',
        `the body is missing: ${request.method} ${request.routeOptions.url} takes a JSON body`,
      ),
    );
  });
}
