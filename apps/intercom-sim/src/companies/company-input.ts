import { parseCustomAttributes } from '../contacts/contact-input.ts';
import { parameterInvalid } from '../http/intercom-error.ts';
import type { CompanyFields } from './company-record.ts';

export type CompanyInput = { company_id?: string; patch: Partial<CompanyFields> };

const stringFields = ['name', 'plan', 'website', 'industry'] as const;
const integerFields = ['size', 'remote_created_at'] as const;

/** Checks a `POST /companies` body; throws a 400 on the first problem. */
export function parseCompanyInput(body: unknown): CompanyInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw parameterInvalid('Request body must be a JSON object');
  }
  const raw = body as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  if (raw.company_id !== undefined && typeof raw.company_id !== 'string') {
    throw parameterInvalid('company_id must be a string');
  }
  for (const field of stringFields) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string')
      throw parameterInvalid(`${field} must be a string`);
    patch[field] = value;
  }
  for (const field of integerFields) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && !Number.isInteger(value))
      throw parameterInvalid(`${field} must be an integer`);
    patch[field] = value;
  }
  if (raw.monthly_spend !== undefined) {
    if (typeof raw.monthly_spend !== 'number')
      throw parameterInvalid('monthly_spend must be a number');
    // Intercom keeps whole units only: 155.98 becomes 155.
    patch.monthly_spend = Math.trunc(raw.monthly_spend);
  }
  if (raw.custom_attributes !== undefined && raw.custom_attributes !== null) {
    patch.custom_attributes = parseCustomAttributes(raw.custom_attributes);
  }
  return {
    company_id: raw.company_id as string | undefined,
    patch: patch as Partial<CompanyFields>,
  };
}
