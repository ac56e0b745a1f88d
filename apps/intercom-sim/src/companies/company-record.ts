import type { CustomAttributes } from '../contacts/contact-record.ts';

/** The fields `POST /companies` writes (`company_id` only on creation: it is immutable). */
export type CompanyFields = {
  name: string | null;
  plan: string | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  monthly_spend: number;
  remote_created_at: number | null;
  custom_attributes: CustomAttributes;
};

export type CompanyRecord = CompanyFields & {
  readonly seq: number;
  readonly id: string;
  /** The client's own identifier, unique in the workspace. */
  readonly company_id: string;
  readonly created_at: number;
  readonly updated_at: number;
};

export const emptyCompanyFields: CompanyFields = {
  name: null,
  plan: null,
  size: null,
  website: null,
  industry: null,
  monthly_spend: 0,
  remote_created_at: null,
  custom_attributes: {},
};
