import { type Metrics, statusClass } from '@relay/telemetry';
import type { FastifyInstance } from 'fastify';

/** Times every answer by route template (never the raw URL, which may carry ids). */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  // Callback style: an async hook costs a promise and a microtask per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { route, status_class: statusClass(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
