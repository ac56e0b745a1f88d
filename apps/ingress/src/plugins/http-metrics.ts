import { type Metrics, seriesByLabels, statusClass } from '@relay/telemetry';
import type { FastifyInstance } from 'fastify';

/** Times every answer by route template (never the raw URL, which may carry ids). */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  // Callback style: an async hook costs a promise and a microtask per request.
  const duration = seriesByLabels((route, status_class) =>
    metrics.httpRequestDuration.labels({ route, status_class }),
  );
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration(route, statusClass(reply.statusCode)).observe(reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
