import type { FastifyInstance } from 'fastify';
import { simAdmin } from '../admins/sim-admin.ts';
import { parameterNotFound } from '../http/intercom-error.ts';
import type { SimulatorState } from '../state.ts';
import { appliedTagView, type TagView, tagView } from './tag-view.ts';

type ContactTagParams = { Params: { contact_id: string; tag_id: string } };

/** Tags, and tagging contacts (`contact.tag.created` / `contact.tag.deleted`). */
export function registerTagRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { tags, contacts } = state;
  const applied = (tag: TagView) =>
    appliedTagView(tag, Math.floor(state.options.now() / 1000), simAdmin.id);

  app.get('/tags', async () => ({ type: 'list', data: tags.all().map(tagView) }));

  app.post('/tags', async (request) => {
    const body = (request.body ?? {}) as { name?: unknown; id?: unknown };
    if (typeof body.name !== 'string' || body.name === '')
      throw parameterNotFound('name is required');
    const id = typeof body.id === 'string' ? body.id : undefined;
    return tagView(tags.createOrRename(body.name, id));
  });

  app.get<{ Params: { tag_id: string } }>('/tags/:tag_id', async (request) =>
    tagView(tags.require(request.params.tag_id)),
  );

  app.delete<{ Params: { tag_id: string } }>('/tags/:tag_id', async (request, reply) => {
    tags.delete(request.params.tag_id);
    return reply.code(200).send();
  });

  app.get<{ Params: { contact_id: string } }>('/contacts/:contact_id/tags', async (request) => {
    const contact = contacts.require(request.params.contact_id);
    return { type: 'list', data: contact.tag_ids.map((id) => tagView(tags.require(id))) };
  });

  app.post<{ Params: { contact_id: string } }>('/contacts/:contact_id/tags', async (request) => {
    const body = (request.body ?? {}) as { id?: unknown };
    if (typeof body.id !== 'string' || body.id === '') throw parameterNotFound('tag not specified');
    const contact = contacts.require(request.params.contact_id);
    const tag = tagView(tags.require(body.id));
    state.contactLinks.tag(contact, tag);
    return applied(tag);
  });

  app.delete<ContactTagParams>('/contacts/:contact_id/tags/:tag_id', async (request) => {
    const contact = contacts.require(request.params.contact_id);
    const tag = tagView(tags.require(request.params.tag_id));
    state.contactLinks.untag(contact, tag);
    return applied(tag);
  });
}
