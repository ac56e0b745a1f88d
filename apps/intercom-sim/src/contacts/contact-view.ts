import type { ContactRecord } from './contact-record.ts';

/** Fields Intercom fills from the Messenger and mobile SDKs; never written through the API. */
const deviceFields = {
  last_replied_at: null,
  last_contacted_at: null,
  last_email_opened_at: null,
  last_email_clicked_at: null,
  language_override: null,
  browser: null,
  browser_version: null,
  browser_language: null,
  os: null,
  android_app_name: null,
  android_app_version: null,
  android_device: null,
  android_os_version: null,
  android_sdk_version: null,
  android_last_seen_at: null,
  ios_app_name: null,
  ios_app_version: null,
  ios_device: null,
  ios_os_version: null,
  ios_sdk_version: null,
  ios_last_seen_at: null,
} as const;

const emptyLocation = {
  type: 'location',
  country: null,
  region: null,
  city: null,
  country_code: null,
  continent_code: null,
} as const;

/** How many tags or companies a contact shows inline; the list's `url` gives them all. */
const inlineListLimit = 10;

/** Intercom shows the first ten, with the real `total_count` and `has_more`. */
function addressableList(url: string, data: unknown[]) {
  return {
    type: 'list',
    data: data.slice(0, inlineListLimit),
    url,
    total_count: data.length,
    has_more: data.length > inlineListLimit,
  };
}

/** A contact shaped like the OpenAPI `contact` schema (as `GET /contacts/{id}` answers). */
export function contactView(contact: ContactRecord) {
  const base = `/contacts/${contact.id}`;
  return {
    type: 'contact',
    id: contact.id,
    workspace_id: contact.workspace_id,
    external_id: contact.external_id,
    role: contact.role,
    email: contact.email ?? '',
    email_domain: contact.email ? (contact.email.split('@')[1] ?? '') : '',
    phone: contact.phone,
    name: contact.name,
    avatar: contact.avatar ? { type: 'avatar', image_url: contact.avatar } : null,
    owner_id: contact.owner_id,
    social_profiles: { type: 'list', data: [] },
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: contact.unsubscribed_from_emails,
    created_at: contact.created_at,
    updated_at: contact.updated_at,
    signed_up_at: contact.signed_up_at,
    last_seen_at: contact.last_seen_at,
    ...deviceFields,
    location: emptyLocation,
    custom_attributes: contact.custom_attributes,
    tags: addressableList(
      `${base}/tags`,
      contact.tag_ids.map((id) => ({ type: 'tag', id, url: `/tags/${id}` })),
    ),
    notes: addressableList(`${base}/notes`, []),
    companies: addressableList(
      `${base}/companies`,
      contact.company_ids.map((id) => ({ type: 'company', id, url: `/companies/${id}` })),
    ),
    opted_out_subscription_types: addressableList(`${base}/subscriptions`, []),
    opted_in_subscription_types: addressableList(`${base}/subscriptions`, []),
    utm_campaign: null,
    utm_content: null,
    utm_medium: null,
    utm_source: null,
    utm_term: null,
    referrer: null,
    enabled_push_messaging: null,
  };
}

/** The identifying fields only, as delete/archive answers and `contact.deleted` carry them. */
export function contactReference(contact: Pick<ContactRecord, 'id' | 'external_id'>) {
  return { type: 'contact' as const, id: contact.id, external_id: contact.external_id };
}
