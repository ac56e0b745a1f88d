import { simAdmin } from '../../src/admins/sim-admin.ts';
import { missingNumericId, missingObjectId, type World } from './conformance-world.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One call and the status it must answer; the body is then checked against the spec. */
export type ConformanceCase = {
  method: Method;
  /** The spec's path template, e.g. `/contacts/{contact_id}`. */
  template: string;
  status: number;
  what: string;
  /** Path parameters over the world's defaults (see `defaultParams`). */
  params?: (world: World) => Record<string, string>;
  query?: (world: World) => string;
  body?: (world: World) => unknown;
  /**
   * The status only comes from fault injection (`errorRates`), because the condition behind
   * it (a plan restriction, a tag used by a segment) is not simulated.
   */
  injected?: true;
};

function make(method: Method) {
  return (
    template: string,
    status: number,
    what: string,
    extra: Omit<ConformanceCase, 'method' | 'template' | 'status' | 'what'> = {},
  ): ConformanceCase => ({ method, template, status, what, ...extra });
}
const get = make('GET');
const post = make('POST');
const put = make('PUT');
const del = make('DELETE');

const noContact = { params: () => ({ contact_id: missingObjectId }) };
const noCompany = { params: () => ({ company_id: missingObjectId }) };
const noTag = { params: () => ({ tag_id: missingNumericId }) };
const noConversation = { params: () => ({ conversation_id: missingNumericId }) };
const noArticle = { params: () => ({ article_id: missingNumericId }) };
const noCollection = { params: () => ({ collection_id: missingNumericId }) };
const emptyBody = { body: () => ({}) };
const adminReply = {
  type: 'admin',
  admin_id: simAdmin.id,
  message_type: 'comment',
  body: 'Thanks',
};

/**
 * Success and error answers of every implemented operation, in an order that keeps the world
 * usable: reads and updates first, deletions of the `doomed*` records last. Every operation
 * is also called without a valid token (401) by the test itself.
 */
export const conformanceCases: ConformanceCase[] = [
  // Admins
  get('/me', 200, 'identify the admin'),
  get('/admins', 200, 'list admins'),
  get('/admins/{admin_id}', 200, 'retrieve the admin'),
  get('/admins/{admin_id}', 404, 'unknown admin', { params: () => ({ admin_id: '1' }) }),

  // Contacts
  post('/contacts', 200, 'create a contact', {
    body: () => ({ external_id: 'conf-new', email: 'new@example.com', role: 'user' }),
  }),
  post('/contacts', 409, 'duplicate external_id', { body: () => ({ external_id: 'conf-1' }) }),
  post('/contacts', 400, 'no identifier', emptyBody),
  get('/contacts/{contact_id}', 200, 'show a contact'),
  get('/contacts/{contact_id}', 404, 'unknown contact', noContact),
  put('/contacts/{contact_id}', 200, 'update a contact', {
    body: () => ({ name: 'Renamed', custom_attributes: { plan: 'team' } }),
  }),
  put('/contacts/{contact_id}', 404, 'update an unknown contact', {
    ...noContact,
    body: () => ({ name: 'x' }),
  }),
  get('/contacts', 200, 'list contacts'),
  get('/contacts', 400, 'per_page out of range', { query: () => 'per_page=0' }),
  get('/contacts/find_by_external_id/{external_id}', 200, 'find a user by external_id'),
  get('/contacts/find_by_external_id/{external_id}', 404, 'unknown external_id', {
    params: () => ({ external_id: 'nobody' }),
  }),
  post('/contacts/search', 200, 'search contacts', {
    body: () => ({
      query: { field: 'external_id', operator: '=', value: 'conf-1' },
      pagination: { per_page: 5 },
    }),
  }),
  post('/contacts/search', 400, 'search without a query', emptyBody),
  post('/contacts/{contact_id}/archive', 200, 'archive a contact', {
    params: (w) => ({ contact_id: w.archivable }),
  }),
  post('/contacts/{contact_id}/archive', 404, 'archive an unknown contact', noContact),
  post('/contacts/{contact_id}/unarchive', 200, 'unarchive a contact', {
    params: (w) => ({ contact_id: w.archivable }),
  }),
  post('/contacts/{contact_id}/unarchive', 404, 'unarchive an unknown contact', noContact),
  post('/contacts/merge', 200, 'merge a lead into a user', {
    body: (w) => ({ from: w.lead, into: w.mergeInto }),
  }),
  post('/contacts/merge', 400, 'merge without ids', emptyBody),
  post('/contacts/merge', 404, 'merge an unknown lead', {
    body: (w) => ({ from: missingObjectId, into: w.mergeInto }),
  }),

  // Tags
  get('/tags', 200, 'list tags'),
  post('/tags', 200, 'create a tag', { body: () => ({ name: 'new-tag' }) }),
  post('/tags', 400, 'tag without a name', emptyBody),
  post('/tags', 404, 'rename an unknown tag', {
    body: () => ({ name: 'renamed', id: missingNumericId }),
  }),
  get('/tags/{tag_id}', 200, 'find a tag'),
  get('/tags/{tag_id}', 404, 'unknown tag', noTag),
  get('/contacts/{contact_id}/tags', 200, "a contact's tags"),
  get('/contacts/{contact_id}/tags', 404, "an unknown contact's tags", noContact),
  post('/contacts/{contact_id}/tags', 200, 'tag a contact', { body: (w) => ({ id: w.tag }) }),
  post('/contacts/{contact_id}/tags', 400, 'tag a contact without a tag id', emptyBody),
  post('/contacts/{contact_id}/tags', 404, 'tag a contact with an unknown tag', {
    body: () => ({ id: missingNumericId }),
  }),

  // Companies
  post('/companies', 200, 'create or update a company', {
    body: () => ({ company_id: 'globex', name: 'Globex', monthly_spend: 100 }),
  }),
  post('/companies', 400, 'company without company_id', emptyBody),
  get('/companies', 200, 'list companies'),
  get('/companies', 200, 'retrieve a company by company_id', {
    query: (w) => `company_id=${w.companyExternalId}`,
  }),
  get('/companies', 404, 'retrieve an unknown company_id', { query: () => 'company_id=nope' }),
  get('/companies/scroll', 200, 'the first page of a scroll'),
  get('/companies/scroll', 400, 'a second scroll while one is open'),
  get('/companies/scroll', 404, 'an unknown scroll_param', { query: () => 'scroll_param=nope' }),
  get('/companies/{company_id}', 200, 'retrieve a company by id'),
  get('/companies/{company_id}', 404, 'unknown company', noCompany),
  put('/companies/{company_id}', 200, 'update a company', { body: () => ({ size: 50 }) }),
  put('/companies/{company_id}', 404, 'update an unknown company', {
    ...noCompany,
    body: () => ({ size: 1 }),
  }),
  post('/contacts/{contact_id}/companies', 200, 'attach a contact to a company', {
    body: (w) => ({ id: w.company }),
  }),
  post('/contacts/{contact_id}/companies', 400, 'attach without a company id', emptyBody),
  post('/contacts/{contact_id}/companies', 404, 'attach to an unknown company', {
    body: () => ({ id: missingObjectId }),
  }),
  get('/contacts/{contact_id}/companies', 200, "a contact's companies"),
  get('/contacts/{contact_id}/companies', 404, "an unknown contact's companies", noContact),
  get('/companies/{company_id}/contacts', 200, "a company's contacts"),
  get('/companies/{company_id}/contacts', 404, "an unknown company's contacts", noCompany),

  // Data events
  post('/events', 202, 'submit a data event', {
    body: () => ({ event_name: 'ordered', created_at: 1767225601, user_id: 'conf-1' }),
  }),
  post('/events', 400, 'event without a name', emptyBody),
  post('/events', 404, 'event for an unknown user', {
    body: () => ({ event_name: 'ordered', created_at: 1767225601, user_id: 'nobody' }),
  }),
  get('/events', 200, "a user's events", { query: (w) => `type=user&user_id=${w.externalId}` }),
  get('/events', 200, "a user's event summary", {
    query: (w) => `type=user&user_id=${w.externalId}&summary=true`,
  }),
  get('/events', 400, 'events without type=user', { query: () => 'user_id=conf-1' }),
  get('/events', 404, "an unknown user's events", { query: () => 'type=user&user_id=nobody' }),

  // Data attributes
  get('/data_attributes', 200, 'list contact data attributes', { query: () => 'model=contact' }),
  get('/data_attributes', 200, 'list all data attributes'),
  get('/data_attributes', 400, 'unknown model', { query: () => 'model=ticket' }),
  post('/data_attributes', 200, 'create a data attribute', {
    body: () => ({ name: 'score', model: 'contact', data_type: 'integer' }),
  }),
  post('/data_attributes', 400, 'data attribute without a name', emptyBody),

  // Conversations
  post('/conversations', 200, 'a contact starts a conversation', {
    body: (w) => ({ from: { type: 'user', id: w.contact }, body: 'Another question' }),
  }),
  post('/conversations', 400, 'conversation without a body', {
    body: (w) => ({ from: { type: 'user', id: w.contact } }),
  }),
  post('/conversations', 404, 'conversation from an unknown contact', {
    body: () => ({ from: { type: 'user', id: missingObjectId }, body: 'Hi' }),
  }),
  get('/conversations/{conversation_id}', 200, 'retrieve a conversation'),
  get('/conversations/{conversation_id}', 404, 'unknown conversation', noConversation),
  post('/conversations/{conversation_id}/reply', 200, 'an admin replies', {
    body: () => adminReply,
  }),
  post('/conversations/{conversation_id}/reply', 200, 'the contact replies', {
    body: (w) => ({ type: 'user', intercom_user_id: w.contact, body: 'Still there?' }),
  }),
  post('/conversations/{conversation_id}/reply', 400, 'reply without a body', {
    body: () => ({ type: 'admin', admin_id: simAdmin.id, message_type: 'comment' }),
  }),
  post('/conversations/{conversation_id}/reply', 404, 'reply to an unknown conversation', {
    ...noConversation,
    body: () => adminReply,
  }),
  post('/conversations/{conversation_id}/parts', 200, 'an admin assigns', {
    body: () => ({
      message_type: 'assignment',
      type: 'admin',
      admin_id: simAdmin.id,
      assignee_id: simAdmin.id,
    }),
  }),
  post('/conversations/{conversation_id}/parts', 200, 'an admin snoozes', {
    body: () => ({
      message_type: 'snoozed',
      admin_id: simAdmin.id,
      snoozed_until: 1767312000,
    }),
  }),
  post('/conversations/{conversation_id}/parts', 200, 'an admin closes', {
    body: () => ({ message_type: 'close', type: 'admin', admin_id: simAdmin.id }),
  }),
  post('/conversations/{conversation_id}/parts', 400, 'an unknown action', {
    body: () => ({ message_type: 'explode', type: 'admin', admin_id: simAdmin.id }),
  }),
  post('/conversations/{conversation_id}/parts', 404, 'manage an unknown conversation', {
    ...noConversation,
    body: () => ({ message_type: 'open', type: 'admin', admin_id: simAdmin.id }),
  }),
  post('/conversations/search', 200, 'search conversations', {
    body: () => ({ query: { field: 'open', operator: '=', value: false } }),
  }),
  post('/conversations/search', 400, 'search conversations without a query', emptyBody),

  // Help center
  get('/help_center/help_centers', 200, 'list help centers'),
  get('/help_center/help_centers/{help_center_id}', 200, 'retrieve the help center'),
  get('/help_center/help_centers/{help_center_id}', 404, 'unknown help center', {
    params: () => ({ help_center_id: missingNumericId }),
  }),
  post('/help_center/collections', 200, 'create a collection', {
    body: (w) => ({ name: 'Sub guides', description: 'More', parent_id: w.collection }),
  }),
  post('/help_center/collections', 400, 'collection without a name', emptyBody),
  get('/help_center/collections', 200, 'list collections'),
  get('/help_center/collections/{collection_id}', 200, 'retrieve a collection'),
  get('/help_center/collections/{collection_id}', 404, 'unknown collection', noCollection),
  put('/help_center/collections/{collection_id}', 200, 'update a collection', {
    body: () => ({ name: 'Guides, revised' }),
  }),
  put('/help_center/collections/{collection_id}', 404, 'update an unknown collection', {
    ...noCollection,
    body: () => ({ name: 'x' }),
  }),
  post('/articles', 200, 'create an article', {
    body: (w) => ({
      title: 'Getting started',
      body: '<p>Hi</p>',
      author_id: Number(simAdmin.id),
      state: 'draft',
      parent_id: Number(w.collection),
    }),
  }),
  post('/articles', 400, 'article without a title', {
    body: () => ({ author_id: Number(simAdmin.id) }),
  }),
  get('/articles', 200, 'list articles'),
  get('/articles/{article_id}', 200, 'retrieve an article'),
  get('/articles/{article_id}', 404, 'unknown article', noArticle),
  put('/articles/{article_id}', 200, 'update an article', {
    body: () => ({ title: 'Hello again', state: 'published' }),
  }),
  put('/articles/{article_id}', 404, 'update an unknown article', {
    ...noArticle,
    body: () => ({ title: 'x' }),
  }),

  // Deletions and detachments last: the records above stay usable until here.
  del('/contacts/{contact_id}/tags/{tag_id}', 200, 'untag a contact'),
  del('/contacts/{contact_id}/tags/{tag_id}', 404, 'untag with an unknown tag', noTag),
  del('/contacts/{contact_id}/companies/{company_id}', 200, 'detach a contact'),
  del('/contacts/{contact_id}/companies/{company_id}', 404, 'detach from an unknown company', {
    ...noCompany,
  }),
  del('/tags/{tag_id}', 200, 'delete a tag', { params: (w) => ({ tag_id: w.doomedTag }) }),
  del('/tags/{tag_id}', 404, 'delete an unknown tag', noTag),
  del('/companies/{company_id}', 200, 'delete a company', {
    params: (w) => ({ company_id: w.doomedCompany }),
  }),
  del('/companies/{company_id}', 404, 'delete an unknown company', noCompany),
  del('/articles/{article_id}', 200, 'delete an article', {
    params: (w) => ({ article_id: w.doomedArticle }),
  }),
  del('/articles/{article_id}', 404, 'delete an unknown article', noArticle),
  del('/help_center/collections/{collection_id}', 200, 'delete a collection', {
    params: (w) => ({ collection_id: w.doomedCollection }),
  }),
  del('/help_center/collections/{collection_id}', 404, 'delete an unknown collection', {
    ...noCollection,
  }),
  del('/contacts/{contact_id}', 200, 'delete a contact', {
    params: (w) => ({ contact_id: w.doomedContact }),
  }),
  del('/contacts/{contact_id}', 404, 'delete an unknown contact', noContact),

  // Documented statuses whose cause is not simulated: answered by fault injection.
  del('/tags/{tag_id}', 400, 'tag with dependent objects (injected)', { injected: true }),
  post('/conversations', 403, 'plan restriction (injected)', {
    injected: true,
    body: (w) => ({ from: { type: 'user', id: w.contact }, body: 'Hi' }),
  }),
  get('/conversations/{conversation_id}', 403, 'plan restriction (injected)', { injected: true }),
  post('/conversations/{conversation_id}/reply', 403, 'plan restriction (injected)', {
    injected: true,
    body: () => adminReply,
  }),
  post('/conversations/{conversation_id}/parts', 403, 'plan restriction (injected)', {
    injected: true,
    body: () => ({ message_type: 'open', admin_id: simAdmin.id }),
  }),
];

/**
 * Implemented routes the spec does not describe, and why they exist. Empty today: every API
 * route the simulator serves is in the 2.14 description.
 */
export const notInSpec: Record<string, string> = {};
