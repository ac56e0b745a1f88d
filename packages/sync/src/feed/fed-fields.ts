/** The objects the feed follows. */
export type FedObject = 'contact' | 'company';

/**
 * A record's fed fields as the feed reports them (`attributes`) and as it compares them
 * (`fields`: dotted path → value, custom attributes one path each). Null stands for empty.
 */
export type FedState = {
  attributes: Record<string, unknown>;
  fields: Map<string, unknown>;
};

/** A contact's tag names and company_ids, read in full (Intercom's lists stop at 10). */
export type ContactLists = { tags: string[]; companies: string[] };

type Item = Record<string, unknown>;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

const scalar = (value: unknown): unknown => (value === undefined || value === '' ? null : value);

function customAttributes(item: Item): Record<string, unknown> {
  const custom = item.custom_attributes;
  if (typeof custom !== 'object' || custom === null) return {};
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(custom)) {
    if (scalar(value) !== null) kept[name] = value;
  }
  return kept;
}

function withCustomPaths(
  attributes: Record<string, unknown>,
  custom: Record<string, unknown>,
): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'custom_attributes') fields.set(name, value);
  }
  for (const [name, value] of Object.entries(custom))
    fields.set(`custom_attributes.${name}`, value);
  return fields;
}

/** Emails compare without case (Intercom matches them so). */
const email = (value: unknown) => text(value)?.toLowerCase() ?? null;

export function contactState(item: Item, lists: ContactLists): FedState {
  const custom = customAttributes(item);
  const attributes: Record<string, unknown> = {
    email: email(item.email),
    name: text(item.name),
    role: text(item.role),
    phone: text(item.phone),
    unsubscribed_from_emails: item.unsubscribed_from_emails === true,
    tags: [...lists.tags].sort(),
    companies: [...lists.companies].sort(),
    custom_attributes: custom,
  };
  const fields = withCustomPaths(attributes, custom);
  // Not reported as an attribute (it is the change's own external_id), but compared: a
  // teammate who sets it links a lead to a CRM record, and the CRM should hear of it.
  fields.set('external_id', text(item.external_id));
  if (fields.get('unsubscribed_from_emails') === false)
    fields.set('unsubscribed_from_emails', null);
  return { attributes, fields };
}

/** What a contact write of the relay sets, in the feed's paths (for the write ledger). */
export function contactWriteFields(write: Item, creating: boolean): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if ('email' in write) fields.set('email', email(write.email));
  if ('name' in write) fields.set('name', text(write.name));
  if ('phone' in write) fields.set('phone', text(write.phone));
  if ('role' in write || creating) fields.set('role', text(write.role) ?? 'user');
  if ('external_id' in write) fields.set('external_id', text(write.external_id));
  return withCustomWrites(fields, write);
}

/** A write's custom attributes, one path each (null clears one). */
function withCustomWrites(fields: Map<string, unknown>, write: Item): Map<string, unknown> {
  const custom = write.custom_attributes;
  if (typeof custom === 'object' && custom !== null) {
    for (const [name, value] of Object.entries(custom)) {
      fields.set(`custom_attributes.${name}`, scalar(value));
    }
  }
  return fields;
}

/** Intercom answers 0 for a company number never set: 0 and unset are the same there. */
const count = (value: unknown): number | null =>
  typeof value === 'number' && value !== 0 ? value : null;

function planName(plan: unknown): string | null {
  if (typeof plan === 'object' && plan !== null) return text((plan as Item).name);
  return text(plan);
}

export function companyState(item: Item): FedState {
  const custom = customAttributes(item);
  const attributes: Record<string, unknown> = {
    name: text(item.name),
    plan: planName(item.plan),
    size: count(item.size),
    website: text(item.website),
    industry: text(item.industry),
    monthly_spend: count(item.monthly_spend),
    custom_attributes: custom,
  };
  return { attributes, fields: withCustomPaths(attributes, custom) };
}

/** What a company write of the relay sets, in the feed's paths. */
export function companyWriteFields(write: Item): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const name of ['name', 'website', 'industry'] as const) {
    if (name in write) fields.set(name, text(write[name]));
  }
  for (const name of ['size', 'monthly_spend'] as const) {
    if (name in write) fields.set(name, count(write[name]));
  }
  if ('plan' in write) fields.set('plan', planName(write.plan));
  return withCustomWrites(fields, write);
}
