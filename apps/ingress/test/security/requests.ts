import { signWebhook } from '@relay/testkit';
import type { InjectOptions } from 'fastify';
import { ADMIN_TOKEN, CRM_TOKEN, WEBHOOK_SECRET } from '../test-app.ts';
import { type Auth, fillTemplate, type RouteCase } from './routes.ts';

/** The right credentials for a route (a webhook is signed over its exact body bytes). */
export function rightAuth(auth: Auth, body: string | Buffer | undefined): Record<string, string> {
  switch (auth) {
    case 'crm':
      return { authorization: `Bearer ${CRM_TOKEN}` };
    case 'admin':
      return { authorization: `Bearer ${ADMIN_TOKEN}` };
    case 'webhook':
      return {
        'x-hub-signature': signWebhook(body === undefined ? '' : body.toString(), WEBHOOK_SECRET),
      };
    case 'public':
      return {};
  }
}

export type RequestParts = {
  params?: Record<string, string> | undefined;
  query?: string | undefined;
  /** Body text (sent as UTF-8) or bytes; undefined: the route's valid body, if it has one. */
  body?: string | Buffer | undefined;
  headers?: Record<string, string> | undefined;
  /** False: send no credentials of the route's kind (headers may still bring some). */
  auth?: boolean;
};

/** A request to `route`, valid except for the parts given. */
export function requestFor(
  route: RouteCase,
  parts: RequestParts = {},
): InjectOptions & { url: string } {
  const body = parts.body ?? (route.body ? JSON.stringify(route.body()) : undefined);
  const path = fillTemplate(route.template, { ...route.params, ...parts.params });
  return {
    method: route.method,
    url: parts.query === undefined ? path : `${path}?${parts.query}`,
    ...(body === undefined ? {} : { payload: body }),
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(parts.auth === false ? {} : rightAuth(route.auth, body)),
      ...parts.headers,
    },
  };
}

/** `METHOD url` for assertion messages, without credentials. */
export function describeRequest(request: InjectOptions & { url: string }): string {
  return `${request.method} ${request.url.slice(0, 200)}`;
}
