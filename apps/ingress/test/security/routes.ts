import { notificationFixture } from '@relay/testkit';

/** Who may call a route: the CRM token, the admin token, Intercom's signature, or anyone. */
export type Auth = 'crm' | 'admin' | 'webhook' | 'public';

export type RouteCase = {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Fastify's template, as the app lists it. */
  template: string;
  auth: Auth;
  /** Valid values for the template's parameters. */
  params?: Record<string, string>;
  /** A valid body (JSON), for routes that take one. */
  body?: () => unknown;
  /** The route's normal status for the valid request. */
  status: number;
};

/** Every route of the ingress but bull-board's (/admin/ui/…), with a valid request each. */
export const ROUTES: readonly RouteCase[] = [
  { method: 'GET', template: '/healthz', auth: 'public', status: 200 },
  { method: 'GET', template: '/readyz', auth: 'public', status: 200 },
  { method: 'GET', template: '/metrics', auth: 'public', status: 200 },
  { method: 'HEAD', template: '/webhooks/intercom', auth: 'public', status: 200 },
  {
    method: 'POST',
    template: '/webhooks/intercom',
    auth: 'webhook',
    body: () => notificationFixture(),
    status: 200,
  },
  {
    method: 'POST',
    template: '/v1/contacts',
    auth: 'crm',
    body: () => ({
      contacts: [
        {
          external_id: 'crm-1',
          email: 'ada@example.com',
          role: 'user',
          custom_attributes: { plan: 'pro', seats: 3 },
          companies: [{ company_id: 'acme', name: 'Acme' }],
        },
      ],
    }),
    status: 202,
  },
  {
    method: 'POST',
    template: '/v1/contacts/merge',
    auth: 'crm',
    body: () => ({ lead_external_id: 'crm-7', user_external_id: 'crm-42' }),
    status: 202,
  },
  {
    method: 'GET',
    template: '/v1/contacts/:externalId',
    auth: 'crm',
    params: { externalId: 'crm-1' },
    status: 404, // the fake workspace has no contacts
  },
  {
    method: 'DELETE',
    template: '/v1/contacts/:externalId',
    auth: 'crm',
    params: { externalId: 'crm-1' },
    status: 202,
  },
  ...(['archive', 'unarchive'] as const).map(
    (verb): RouteCase => ({
      method: 'POST',
      template: `/v1/contacts/:externalId/${verb}`,
      auth: 'crm',
      params: { externalId: 'crm-1' },
      status: 202,
    }),
  ),
  ...(['reply', 'note', 'close'] as const).map(
    (action): RouteCase => ({
      method: 'POST',
      template: `/v1/conversations/:conversationId/${action}`,
      auth: 'crm',
      params: { conversationId: '123456' },
      body: () => ({ admin_id: '991', body: 'It ships today.' }),
      status: 202,
    }),
  ),
  {
    method: 'POST',
    template: '/v1/companies',
    auth: 'crm',
    body: () => ({ companies: [{ company_id: 'acme', name: 'Acme', plan: 'pro' }] }),
    status: 202,
  },
  {
    method: 'POST',
    template: '/v1/cache/contacts/warm',
    auth: 'crm',
    body: () => ({ external_ids: ['crm-1', 'crm-2'] }),
    status: 202,
  },
  { method: 'GET', template: '/v1/erasures', auth: 'crm', status: 200 },
  {
    method: 'POST',
    template: '/v1/events',
    auth: 'crm',
    body: () => ({
      events: [
        {
          event_name: 'ordered',
          external_id: 'crm-1',
          created_at: 1_764_000_000,
          metadata: { amount: 42, currency: 'EUR' },
        },
      ],
    }),
    status: 202,
  },
  {
    method: 'POST',
    template: '/v1/articles',
    auth: 'crm',
    body: () => ({ title: 'Returns', body: '<p>30 days.</p>', author_id: 991, state: 'draft' }),
    status: 202,
  },
  { method: 'GET', template: '/v1/articles', auth: 'crm', status: 200 },
  {
    method: 'GET',
    template: '/v1/admins/:adminId/conversations',
    auth: 'crm',
    params: { adminId: '991' },
    status: 200,
  },
  { method: 'GET', template: '/v1/help-center/collections', auth: 'crm', status: 200 },
  {
    method: 'GET',
    template: '/v1/jobs/:jobId',
    auth: 'crm',
    params: { jobId: 'contact-0123456789abcdef-x' },
    status: 404, // no such job
  },
  { method: 'GET', template: '/v1/changes', auth: 'crm', status: 200 },
  { method: 'GET', template: '/admin/queues', auth: 'admin', status: 200 },
  { method: 'GET', template: '/admin/feed/status', auth: 'admin', status: 200 },
  { method: 'GET', template: '/admin/feed/changes', auth: 'admin', status: 200 },
  { method: 'POST', template: '/admin/feed/push/enable', auth: 'admin', status: 200 },
  {
    method: 'POST',
    template: '/admin/feed/push/replay',
    auth: 'admin',
    body: () => ({ since: '2026-12-06T16:40:00Z' }),
    status: 200, // no push has run on this Redis: nothing to send again (202 once one has)
  },
  ...(['pause', 'resume', 'retry'] as const).map(
    (verb): RouteCase => ({
      method: 'POST',
      template: `/admin/queues/:lane/${verb}`,
      auth: 'admin',
      params: { lane: 'backfill' },
      status: 200,
    }),
  ),
  {
    method: 'POST',
    template: '/admin/queues/:lane/drain',
    auth: 'admin',
    params: { lane: 'backfill' },
    body: () => ({ confirm: 'backfill', limit: 10 }),
    status: 200,
  },
  { method: 'GET', template: '/admin/dead-letters', auth: 'admin', status: 200 },
  {
    method: 'POST',
    template: '/admin/dead-letters/replay',
    auth: 'admin',
    body: () => ({ lane: 'sync', limit: 5 }),
    status: 200,
  },
];

/** bull-board's own routes, checked for auth and for never answering 5xx. */
export const DASHBOARD_PREFIX = '/admin/ui';

/** The template with its parameters filled in (already URL-encoded by the caller). */
export function fillTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/:([A-Za-z]+)/g, (_match, name: string) => params[name] ?? 'x');
}

/** `METHOD /template` for every route the app serves, from its own route tree. */
export function listedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const found: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match?.[2]) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = Math.max(0, depth - 1);
    stack.push(match[2]);
    for (const method of match[3]?.split(', ') ?? []) found.push(`${method} ${stack.join('')}`);
  }
  return found;
}
