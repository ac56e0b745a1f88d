import type { FastifyInstance } from 'fastify';
import { parseContactPatch } from '../contacts/contact-input.ts';
import { contactReference, contactView } from '../contacts/contact-view.ts';
import type { SimulatorState } from '../state.ts';
import { pickFields, requiredString } from './change-input.ts';
import { controlErrorHandling } from './control-errors.ts';

type ContactParams = { Params: { contact_id: string } };

const creatable = ['role', 'email', 'name', 'phone', 'external_id', 'custom_attributes'];
const editable = [...creatable, 'unsubscribed_from_emails'];

/**
 * Playing Intercom's side: contacts made, edited, merged, archived and deleted by the
 * Messenger or a teammate. Each goes through the API's store, so it is checked and notified
 * exactly as an API write (`contact.lead.created`, `contact.user.updated`, `contact.merged`…).
 */
export function registerContactChangeRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { contacts } = state;
  const options = controlErrorHandling;

  app.post('/__sim/changes/contacts', options, async (request) => {
    const patch = parseContactPatch(pickFields(request.body ?? {}, creatable));
    state.dataAttributes.checkWrite('contact', patch.custom_attributes);
    return contactView(contacts.create({ role: 'lead', ...patch }));
  });

  app.patch<ContactParams>('/__sim/changes/contacts/:contact_id', options, async (request) => {
    const patch = parseContactPatch(pickFields(request.body ?? {}, editable, true));
    state.dataAttributes.checkWrite('contact', patch.custom_attributes);
    return contactView(contacts.update(request.params.contact_id, patch));
  });

  app.post('/__sim/changes/contacts/merge', options, async (request) => {
    const from = requiredString(request.body, 'from');
    const into = requiredString(request.body, 'into');
    return contactView(contacts.merge(from, into));
  });

  app.post<ContactParams>(
    '/__sim/changes/contacts/:contact_id/archive',
    options,
    async (request) => {
      const id = request.params.contact_id;
      return contactView(contacts.replace(id, () => ({ archived: true }), { kind: 'archived' }));
    },
  );

  app.post<ContactParams>(
    '/__sim/changes/contacts/:contact_id/unarchive',
    options,
    async (request) => {
      const id = request.params.contact_id;
      const event = { kind: 'unarchived' } as const;
      return contactView(contacts.replace(id, () => ({ archived: false }), event));
    },
  );

  app.delete<ContactParams>('/__sim/changes/contacts/:contact_id', options, async (request) => ({
    ...contactReference(contacts.delete(request.params.contact_id)),
    deleted: true,
  }));
}
