import type { FieldCatalog, FieldKind, SearchField } from '../search/search-query.ts';
import type { ContactRecord } from './contact-record.ts';

const field = (
  kind: FieldKind,
  get: (c: ContactRecord) => unknown,
): SearchField<ContactRecord> => ({
  kind,
  get,
});
const stored = (kind: FieldKind, name: keyof ContactRecord) => field(kind, (c) => c[name]);
const alwaysNull = (kind: FieldKind) => field(kind, () => null);

/** The searchable contact fields documented for `POST /contacts/search` (2.14). */
const fields: Record<string, SearchField<ContactRecord>> = {
  id: stored('string', 'id'),
  role: stored('string', 'role'),
  name: stored('string', 'name'),
  avatar: stored('string', 'avatar'),
  owner_id: stored('integer', 'owner_id'),
  email: stored('string', 'email'),
  email_domain: field('string', (c) => c.email?.split('@')[1] ?? null),
  phone: stored('string', 'phone'),
  external_id: stored('string', 'external_id'),
  created_at: stored('date', 'created_at'),
  signed_up_at: stored('date', 'signed_up_at'),
  updated_at: stored('date', 'updated_at'),
  last_seen_at: stored('date', 'last_seen_at'),
  unsubscribed_from_emails: stored('boolean', 'unsubscribed_from_emails'),
  marked_email_as_spam: field('boolean', () => false),
  has_hard_bounced: field('boolean', () => false),
  tag_id: field('idList', (c) => c.tag_ids),
  company_id: field('idList', (c) => c.company_ids),
  segment_id: field('idList', () => []),
};

for (const name of ['last_contacted_at', 'last_replied_at', 'last_email_opened_at']) {
  fields[name] = alwaysNull('date');
}
for (const name of ['last_email_clicked_at', 'ios_last_seen_at', 'android_last_seen_at']) {
  fields[name] = alwaysNull('date');
}
for (const name of [
  'language_override',
  'browser',
  'browser_language',
  'os',
  'location.country',
  'location.region',
  'location.city',
  'ios_app_version',
  'ios_device',
  'ios_app_device',
  'ios_os_version',
  'ios_app_name',
  'ios_sdk_version',
  'android_app_version',
  'android_device',
  'android_app_name',
  'andoid_sdk_version',
]) {
  fields[name] = alwaysNull('string');
}

const customPrefix = 'custom_attributes.';

export const contactSearchFields: FieldCatalog<ContactRecord> = (name) => {
  if (name.startsWith(customPrefix)) {
    const key = name.slice(customPrefix.length);
    return field('any', (c) => c.custom_attributes[key]);
  }
  return fields[name];
};
