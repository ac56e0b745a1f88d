import type { FastifyInstance } from 'fastify';
import { notFound, parameterNotFound } from '../http/intercom-error.ts';
import type { SimulatorState } from '../state.ts';
import { parseContactPatch } from './contact-input.ts';
import { contactReference, contactView } from './contact-view.ts';

type ContactParams = { Params: { contact_id: string } };

/** Create, read, update, delete, archive, unarchive, merge, find by external id. */
export function registerContactRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { contacts } = state;

  app.post('/contacts', async (request) => {
    const patch = parseContactPatch(request.body);
    if (patch.email == null && patch.external_id == null && patch.role === undefined) {
      throw parameterNotFound('One of email, external_id or role is required');
    }
    state.dataAttributes.checkWrite('contact', patch.custom_attributes);
    return contactView(contacts.create(patch));
  });

  app.get<ContactParams>('/contacts/:contact_id', async (request) =>
    contactView(contacts.require(request.params.contact_id)),
  );

  app.put<ContactParams>('/contacts/:contact_id', async (request) => {
    const patch = parseContactPatch(request.body ?? {});
    state.dataAttributes.checkWrite('contact', patch.custom_attributes);
    return contactView(contacts.update(request.params.contact_id, patch));
  });

  app.delete<ContactParams>('/contacts/:contact_id', async (request) => ({
    ...contactReference(contacts.delete(request.params.contact_id)),
    deleted: true,
  }));

  app.post<ContactParams>('/contacts/:contact_id/archive', async (request) => {
    const id = request.params.contact_id;
    const contact = contacts.replace(id, () => ({ archived: true }), { kind: 'archived' });
    return { ...contactReference(contact), archived: true };
  });

  app.post<ContactParams>('/contacts/:contact_id/unarchive', async (request) => {
    const id = request.params.contact_id;
    const contact = contacts.replace(id, () => ({ archived: false }), { kind: 'unarchived' });
    return { ...contactReference(contact), archived: false };
  });

  app.get<{ Params: { external_id: string } }>(
    '/contacts/find_by_external_id/:external_id',
    async (request) => {
      const contact = contacts.findByExternalId(request.params.external_id);
      // Intercom documents this lookup for users only, not leads.
      if (contact?.role !== 'user') throw notFound('User Not Found');
      return contactView(contact);
    },
  );

  app.post('/contacts/merge', async (request) => {
    const body = (request.body ?? {}) as { from?: unknown; into?: unknown };
    if (typeof body.from !== 'string' || typeof body.into !== 'string') {
      throw parameterNotFound('from and into are required');
    }
    return contactView(contacts.merge(body.from, body.into));
  });
}
