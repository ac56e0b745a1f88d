import type { DataType } from './data-attribute.ts';

/** Built-in attributes `GET /data_attributes` lists before the custom ones. */
export const standardAttributes: Record<
  'contact' | 'company',
  Array<[name: string, type: DataType]>
> = {
  contact: [
    ['name', 'string'],
    ['email', 'string'],
    ['phone', 'string'],
    ['external_id', 'string'],
    ['role', 'string'],
    ['owner_id', 'integer'],
    ['avatar', 'string'],
    ['signed_up_at', 'date'],
    ['last_seen_at', 'date'],
    ['created_at', 'date'],
    ['updated_at', 'date'],
    ['unsubscribed_from_emails', 'boolean'],
    ['language_override', 'string'],
  ],
  company: [
    ['name', 'string'],
    ['company_id', 'string'],
    ['plan', 'string'],
    ['size', 'integer'],
    ['website', 'string'],
    ['industry', 'string'],
    ['monthly_spend', 'float'],
    ['remote_created_at', 'date'],
    ['created_at', 'date'],
    ['updated_at', 'date'],
  ],
};
