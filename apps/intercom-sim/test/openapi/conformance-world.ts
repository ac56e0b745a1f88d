import { simAdmin } from '../../src/admins/sim-admin.ts';
import type { Simulator } from '../../src/app.ts';
import { apiCall } from '../helpers.ts';

/** Ids of everything the conformance cases act on; `doomed*` ones are deleted by a case. */
export type World = {
  contact: string;
  externalId: string;
  archivable: string;
  doomedContact: string;
  lead: string;
  mergeInto: string;
  company: string;
  companyExternalId: string;
  doomedCompany: string;
  tag: string;
  doomedTag: string;
  conversation: string;
  article: string;
  doomedArticle: string;
  collection: string;
  doomedCollection: string;
  helpCenter: string;
  admin: string;
};

/** An id no record has, shaped like the real ones (24 hex for contacts and companies). */
export const missingObjectId = '0123456789abcdef01234567';
export const missingNumericId = '999999999';

/**
 * Builds the records the cases need through the API itself, with the relations filled in
 * (tagged, attached, an event, a conversation with parts) so that list answers are not empty
 * and their items are validated too.
 */
export async function buildWorld(sim: Simulator): Promise<World> {
  async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await apiCall(sim, { method: 'POST', url, body });
    if (response.statusCode >= 300) {
      throw new Error(`setting up: POST ${url} → ${response.statusCode} ${response.body}`);
    }
    return response.body === '' ? {} : (response.json() as Record<string, unknown>);
  }
  const idOf = async (url: string, body: unknown) => String((await post(url, body)).id);

  const contact = await idOf('/contacts', {
    external_id: 'conf-1',
    email: 'conf-1@example.com',
    name: 'Conf One',
    custom_attributes: { plan: 'pro' },
  });
  const company = await idOf('/companies', { company_id: 'acme', name: 'Acme', plan: 'pro' });
  const tag = await idOf('/tags', { name: 'vip' });
  await post(`/contacts/${contact}/companies`, { id: company });
  await post(`/contacts/${contact}/tags`, { id: tag });
  await post('/events', {
    event_name: 'signed-in',
    created_at: 1767225600,
    user_id: 'conf-1',
    metadata: { plan: 'pro' },
  });
  const conversation = String(
    (
      await post('/conversations', {
        from: { type: 'user', id: contact },
        body: 'I need help',
      })
    ).conversation_id,
  );
  await post(`/conversations/${conversation}/reply`, {
    type: 'admin',
    admin_id: simAdmin.id,
    message_type: 'comment',
    body: 'On it',
  });
  const collection = await idOf('/help_center/collections', { name: 'Guides' });
  const article = await idOf('/articles', {
    title: 'Hello',
    author_id: Number(simAdmin.id),
    state: 'published',
    parent_id: Number(collection),
  });

  return {
    contact,
    externalId: 'conf-1',
    archivable: await idOf('/contacts', { external_id: 'conf-archive' }),
    doomedContact: await idOf('/contacts', { external_id: 'conf-delete' }),
    lead: await idOf('/contacts', { role: 'lead', email: 'lead@example.com' }),
    mergeInto: await idOf('/contacts', { external_id: 'conf-merge' }),
    company,
    companyExternalId: 'acme',
    doomedCompany: await idOf('/companies', { company_id: 'doomed' }),
    tag,
    doomedTag: await idOf('/tags', { name: 'doomed' }),
    conversation,
    article,
    doomedArticle: await idOf('/articles', { title: 'Doomed', author_id: Number(simAdmin.id) }),
    collection,
    doomedCollection: await idOf('/help_center/collections', { name: 'Doomed' }),
    helpCenter: '81',
    admin: simAdmin.id,
  };
}

/** The world's record for each path parameter of the spec's templates. */
export function defaultParams(world: World): Record<string, string> {
  return {
    contact_id: world.contact,
    external_id: world.externalId,
    company_id: world.company,
    tag_id: world.tag,
    conversation_id: world.conversation,
    article_id: world.article,
    collection_id: world.collection,
    help_center_id: world.helpCenter,
    admin_id: world.admin,
  };
}
