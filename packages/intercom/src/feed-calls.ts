import type { IntercomClient as Sdk } from 'intercom-client';
import type { Send } from './client-types.ts';

const PER_PAGE = 50;

/**
 * The reads the change feed needs to describe a contact in full: tag names (a contact's own
 * list carries tag ids only) and company_ids (its company list carries Intercom ids only),
 * and the full lists when a contact's own stop at 10 (`has_more`). All reads (see intercomCalls).
 */
export function feedCalls(sdk: Sdk, read: Send) {
  return {
    /** Every tag of the workspace: id → name. */
    async listTags(): Promise<Map<string, string>> {
      const list = await read(() => sdk.tags.list());
      return new Map((list.data ?? []).map((tag) => [String(tag.id), String(tag.name)]));
    },

    /** The names of every tag on a contact. */
    async listContactTags(contactId: string): Promise<string[]> {
      const list = await read(() => sdk.contacts.listAttachedTags({ contact_id: contactId }));
      return (list.data ?? []).map((tag) => String(tag.name));
    },

    /** The company_id of every company a contact is attached to, page by page. */
    async listContactCompanies(contactId: string): Promise<string[]> {
      const companyIds: string[] = [];
      for (let page = 1; ; page += 1) {
        const { data } = await read(() =>
          sdk.contacts.listAttachedCompanies({ contact_id: contactId, page, per_page: PER_PAGE }),
        );
        for (const company of data) companyIds.push(String(company.company_id));
        if (data.length < PER_PAGE) return companyIds;
      }
    },

    /** A company by its Intercom id (the feed needs its company_id). */
    async getCompany(id: string): Promise<Record<string, unknown> & { id: string }> {
      const company = await read(() => sdk.companies.find({ company_id: id }));
      return company as unknown as Record<string, unknown> & { id: string };
    },
  };
}
