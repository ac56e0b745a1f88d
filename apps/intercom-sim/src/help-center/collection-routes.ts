import type { FastifyInstance } from 'fastify';
import { notFound, parameterInvalid, parameterNotFound } from '../http/intercom-error.ts';
import { type PageQuery, pageList } from '../http/page-list.ts';
import type { SimulatorState } from '../state.ts';
import type { Collection } from './help-center-stores.ts';

/** The simulated workspace has one help center; collections belong to it. */
const helpCenterId = 81;

type CollectionParams = { Params: { collection_id: string } };

/** Help center collections (create, list 20 per page, read, update, delete) and the help center. */
export function registerCollectionRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { collections } = state;
  const nowSeconds = () => Math.floor(state.options.now() / 1000);
  const helpCenter = () => ({
    id: String(helpCenterId),
    workspace_id: state.options.workspaceId,
    created_at: Math.floor(state.startedAt / 1000),
    updated_at: Math.floor(state.startedAt / 1000),
    identifier: 'help-center',
    website_turned_on: false,
    display_name: 'Help Center',
    url: 'https://help.intercom-sim.example',
    custom_domain: null,
  });

  function checked(body: Record<string, unknown>): Partial<Collection> {
    const patch: Partial<Collection> = {};
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || body.name === '')
        throw parameterInvalid('name must be a non-empty string');
      patch.name = body.name;
    }
    if (body.description !== undefined)
      patch.description = body.description === null ? null : String(body.description);
    if (body.parent_id !== undefined && body.parent_id !== null) {
      collections.require(String(body.parent_id));
      patch.parent_id = String(body.parent_id);
    }
    return patch;
  }

  app.post('/help_center/collections', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.name === undefined) throw parameterNotFound('Name is a required parameter.');
    const at = nowSeconds();
    const id = collections.nextId();
    return collections.set({
      id,
      workspace_id: state.options.workspaceId,
      name: '',
      description: null,
      created_at: at,
      updated_at: at,
      url: `https://help.intercom-sim.example/en/collections/${id}`,
      icon: null,
      order: collections.all().length + 1,
      default_locale: 'en',
      translated_content: null,
      parent_id: null,
      help_center_id: helpCenterId,
      ...checked(body),
    });
  });

  app.get<{ Querystring: PageQuery }>('/help_center/collections', async (request) =>
    pageList(collections.all(), request.query, 20),
  );

  app.get<CollectionParams>('/help_center/collections/:collection_id', async (request) =>
    collections.require(request.params.collection_id),
  );

  app.put<CollectionParams>('/help_center/collections/:collection_id', async (request) => {
    const current = collections.require(request.params.collection_id);
    const patch = checked((request.body ?? {}) as Record<string, unknown>);
    return collections.set({ ...current, ...patch, updated_at: nowSeconds() });
  });

  app.delete<CollectionParams>('/help_center/collections/:collection_id', async (request) => {
    const collection = collections.delete(request.params.collection_id);
    return { id: collection.id, object: 'collection', deleted: true };
  });

  // Paged like the other lists: the SDK's iterator asks for pages until one comes back empty.
  app.get<{ Querystring: PageQuery }>('/help_center/help_centers', async (request) =>
    pageList([helpCenter()], request.query, 20),
  );

  app.get<{ Params: { help_center_id: string } }>(
    '/help_center/help_centers/:help_center_id',
    async (request) => {
      if (request.params.help_center_id !== String(helpCenterId))
        throw notFound('Help Center not found');
      return helpCenter();
    },
  );
}
