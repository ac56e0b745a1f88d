import { parameterInvalid } from '../http/intercom-error.ts';
import type { ContactFields } from './contact-record.ts';

/** A write request, checked: only the fields the client sent. */
export type ContactPatch = Partial<ContactFields>;

type FieldKind = 'string' | 'integer' | 'boolean';

const nullableFields: Record<string, FieldKind> = {
  phone: 'string',
  name: 'string',
  avatar: 'string',
  owner_id: 'integer',
  signed_up_at: 'integer',
  last_seen_at: 'integer',
  unsubscribed_from_emails: 'boolean',
};

const emailPattern = /^[^\s@]+@[^\s@]+$/;

/** Checks a `POST /contacts` or `PUT /contacts/{id}` body; throws a 400 on the first problem. */
export function parseContactPatch(body: unknown): ContactPatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw parameterInvalid('Request body must be a JSON object');
  }
  const raw = body as Record<string, unknown>;
  const patch: Record<string, unknown> = {};

  if (raw.role !== undefined) {
    if (raw.role !== 'user' && raw.role !== 'lead') {
      throw parameterInvalid('role must be either user or lead');
    }
    patch.role = raw.role;
  }
  for (const field of ['external_id', 'email'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') {
      throw parameterInvalid(`${field} must be a string`);
    }
    patch[field] = value === '' ? null : value;
  }
  if (typeof patch.email === 'string' && !emailPattern.test(patch.email)) {
    throw parameterInvalid('Email address is invalid');
  }
  for (const [field, kind] of Object.entries(nullableFields)) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && !hasKind(value, kind)) {
      throw parameterInvalid(`${field} must be ${kind === 'integer' ? 'an' : 'a'} ${kind}`);
    }
    patch[field] = field === 'unsubscribed_from_emails' ? value === true : value;
  }
  if (raw.custom_attributes !== undefined && raw.custom_attributes !== null) {
    patch.custom_attributes = parseCustomAttributes(raw.custom_attributes);
  }
  return patch as ContactPatch;
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  if (kind === 'integer') return Number.isInteger(value);
  return typeof value === kind;
}

export function parseCustomAttributes(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw parameterInvalid('custom_attributes must be an object');
  }
  for (const [key, item] of Object.entries(value)) {
    const scalar = item === null || ['string', 'number', 'boolean'].includes(typeof item);
    if (!scalar) throw parameterInvalid(`Custom attribute '${key}' must be a scalar value`);
  }
  return value as Record<string, unknown>;
}
