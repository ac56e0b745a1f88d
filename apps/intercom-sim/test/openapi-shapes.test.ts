import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall } from './helpers.ts';

/**
 * Contract: every property the 2.14 OpenAPI description lists for a schema is present in what
 * the simulator answers (names taken from `components.schemas.<name>.properties`).
 */
const words = (text: string) => text.split(' ');

const documented = {
  contact: words(
    'type id external_id workspace_id role email email_domain phone name owner_id ' +
      'has_hard_bounced marked_email_as_spam unsubscribed_from_emails created_at ' +
      'updated_at signed_up_at last_seen_at last_replied_at last_contacted_at ' +
      'last_email_opened_at last_email_clicked_at language_override browser ' +
      'browser_version browser_language os android_app_name android_app_version ' +
      'android_device android_os_version android_sdk_version android_last_seen_at ' +
      'ios_app_name ios_app_version ios_device ios_os_version ios_sdk_version ' +
      'ios_last_seen_at custom_attributes avatar tags notes companies location ' +
      'social_profiles',
  ),
  company: words(
    'type id name app_id plan company_id remote_created_at created_at updated_at ' +
      'last_request_at size website industry monthly_spend session_count user_count ' +
      'custom_attributes tags segments',
  ),
  conversation: words(
    'type id title created_at updated_at waiting_since snoozed_until open state ' +
      'read priority admin_assignee_id team_assignee_id tags conversation_rating ' +
      'source contacts teammates custom_attributes first_contact_reply sla_applied ' +
      'statistics conversation_parts linked_objects ai_agent_participated ai_agent',
  ),
  article_list_item: words(
    'type id workspace_id title description body author_id state created_at ' +
      'updated_at url parent_id parent_ids parent_type default_locale ' +
      'translated_content tags',
  ),
  collection: words(
    'id workspace_id name description created_at updated_at url icon order ' +
      'default_locale translated_content parent_id help_center_id',
  ),
  admin_with_app: words(
    'type id name email job_title away_mode_enabled away_mode_reassign ' +
      'has_inbox_seat team_ids avatar email_verified app',
  ),
  app: words('type id_code name region timezone created_at identity_verification'),
  data_event: words('type event_name created_at user_id id intercom_user_id email metadata'),
};

describe('answers carry every property of their OpenAPI schema', () => {
  const sim: Simulator = buildSimulator();
  const answers: Partial<Record<keyof typeof documented, Record<string, unknown>>> = {};

  beforeAll(async () => {
    const post = async (url: string, body: unknown) =>
      (await apiCall(sim, { method: 'POST', url, body })).json();
    answers.contact = await post('/contacts', { external_id: 'crm-1', email: 'a@example.com' });
    answers.company = await post('/companies', { company_id: 'acme' });
    const contactId = String(answers.contact?.id);
    const started = await sim.app.inject({
      method: 'POST',
      url: '/__sim/conversations',
      payload: { contact_id: contactId, body: 'Hi' },
    });
    answers.conversation = started.json();
    answers.collection = await post('/help_center/collections', { name: 'Guides' });
    await post('/articles', { title: 'A', author_id: simAdmin.id });
    answers.article_list_item = (await apiCall(sim, { url: '/articles' })).json().data[0];
    answers.admin_with_app = (await apiCall(sim, { url: '/me' })).json();
    answers.app = answers.admin_with_app?.app as Record<string, unknown>;
    const event = { event_name: 'x', created_at: 1, id: contactId };
    await apiCall(sim, { method: 'POST', url: '/events', body: event });
    answers.data_event = (
      await apiCall(sim, { url: '/events?type=user&user_id=crm-1' })
    ).json().events[0];
  });
  afterAll(() => sim.app.close());

  for (const [schema, properties] of Object.entries(documented)) {
    it(`answers ${schema} with all its documented properties`, () => {
      const answer = answers[schema as keyof typeof documented] ?? {};
      expect(properties.filter((name) => !(name in answer))).toEqual([]);
    });
  }
});
