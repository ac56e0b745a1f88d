import { parameterInvalid } from '../http/intercom-error.ts';
import type { ContactRecord } from './contact-record.ts';

const fillableFields = ['email', 'phone', 'name', 'avatar', 'owner_id'] as const;

/**
 * The user after a lead is merged into it: the user keeps its own values and takes the lead's
 * where it has none; custom attributes, tags and companies are combined.
 */
export function mergeLeadIntoUser(
  from: ContactRecord,
  into: ContactRecord,
  nowSeconds: number,
): ContactRecord {
  if (from.role !== 'lead') throw parameterInvalid('from must be a lead');
  if (into.role !== 'user') throw parameterInvalid('into must be a user');
  const filled = Object.fromEntries(
    fillableFields
      .filter((key) => into[key] === null && from[key] !== null)
      .map((key) => [key, from[key]]),
  );
  return {
    ...into,
    ...filled,
    custom_attributes: { ...from.custom_attributes, ...into.custom_attributes },
    tag_ids: [...new Set([...into.tag_ids, ...from.tag_ids])],
    company_ids: [...new Set([...into.company_ids, ...from.company_ids])],
    updated_at: nowSeconds,
  };
}
