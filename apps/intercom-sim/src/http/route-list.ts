import type { FastifyInstance } from 'fastify';

/** A route as registered: `GET /contacts/:contact_id`. */
export type RouteEntry = { method: string; url: string };

/**
 * Collects every route registered after this call (Fastify's implicit HEAD routes left out), so
 * tests and docs can be checked against what the router really serves.
 */
export function collectRoutes(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
  return routes;
}
