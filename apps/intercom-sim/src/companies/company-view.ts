import type { CompanyRecord } from './company-record.ts';

/**
 * A company shaped like the OpenAPI `company` schema. The spec types unset numbers and strings
 * as non-nullable, so they come out as 0 and '' (the conformance test holds us to it).
 */
export function companyView(company: CompanyRecord, workspaceId: string, userCount: number) {
  return {
    type: 'company' as const,
    company_id: company.company_id,
    id: company.id,
    app_id: workspaceId,
    name: company.name ?? '',
    remote_created_at: company.remote_created_at ?? 0,
    created_at: company.created_at,
    updated_at: company.updated_at,
    last_request_at: 0,
    monthly_spend: company.monthly_spend,
    session_count: 0,
    user_count: userCount,
    size: company.size ?? 0,
    website: company.website ?? '',
    industry: company.industry ?? '',
    tags: { type: 'tag.list', tags: [] },
    segments: { type: 'segment.list', segments: [] },
    plan: company.plan ? { type: 'plan', id: planId(company.plan), name: company.plan } : {},
    custom_attributes: company.custom_attributes,
  };
}

/** Plans have ids on Intercom; a stable number derived from the name stands in for one. */
function planId(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return String(hash % 1_000_000);
}

export type CompanyView = ReturnType<typeof companyView>;
