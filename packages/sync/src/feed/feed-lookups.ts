import { isAppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import type { Cluster, Redis } from 'ioredis';
import type { ContactLists } from './fed-fields.ts';

type Item = Record<string, unknown>;
type ListOfIds = { data: string[]; hasMore: boolean };

/** Refreshing the tag catalog at most this often, however many unknown ids come. */
const TAG_REFRESH_MS = 10_000;

function idsOf(list: unknown): ListOfIds {
  if (typeof list !== 'object' || list === null) return { data: [], hasMore: false };
  const { data, has_more: hasMore } = list as { data?: unknown; has_more?: unknown };
  const ids = Array.isArray(data)
    ? data.flatMap((entry) => (typeof entry?.id === 'string' ? [entry.id as string] : []))
    : [];
  return { data: ids, hasMore: hasMore === true };
}

export type FeedLookupsDeps = {
  redis: Redis | Cluster;
  prefix: string;
  intercom: IntercomClient;
  now?: () => number;
};

/**
 * What a contact's notification does not say in the feed's terms: its tags by name and its
 * companies by company_id (the contact object names both by Intercom id, and stops at 10 with
 * `has_more`). Tag names and company_ids are kept in Redis (they are not personal data) and
 * asked of Intercom only when unknown; a truncated list is read in full.
 */
export function createFeedLookups(deps: FeedLookupsDeps) {
  const now = deps.now ?? Date.now;
  const tagKey = `${deps.prefix}:feed:tag-names`;
  const companyKey = `${deps.prefix}:feed:company-ids`;
  let tagsRefreshedAt = Number.NEGATIVE_INFINITY;

  async function tagNames(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    let names = await deps.redis.hmget(tagKey, ...ids);
    if (names.some((name) => name === null) && now() - tagsRefreshedAt >= TAG_REFRESH_MS) {
      tagsRefreshedAt = now();
      const catalog = await deps.intercom.listTags();
      if (catalog.size > 0) await deps.redis.hset(tagKey, Object.fromEntries(catalog));
      names = ids.map((id, index) => names[index] ?? catalog.get(id) ?? null);
    }
    return ids.map((id, index) => names[index] ?? id);
  }

  async function companyIds(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const known = await deps.redis.hmget(companyKey, ...ids);
    return Promise.all(
      ids.map(async (id, index) => {
        const companyId = known[index];
        if (companyId) return companyId;
        const company = await deps.intercom.getCompany(id);
        const found = typeof company.company_id === 'string' ? company.company_id : id;
        await deps.redis.hset(companyKey, id, found);
        return found;
      }),
    );
  }

  return {
    /** A company's company_id, learnt from its notification or the relay's own upsert. */
    async rememberCompany(intercomId: string, companyId: string): Promise<void> {
      await deps.redis.hset(companyKey, intercomId, companyId);
    },

    /** A tag's name, learnt from a tag notification. */
    async rememberTag(id: string, name: string): Promise<void> {
      await deps.redis.hset(tagKey, id, name);
    },

    async contactLists(contact: Item & { id: string }): Promise<ContactLists> {
      const tags = idsOf(contact.tags);
      const companies = idsOf(contact.companies);
      // Most contacts have neither: no promise to wait for then.
      if (tags.data.length === 0 && companies.data.length === 0) {
        return { tags: [], companies: [] };
      }
      return {
        tags: tags.hasMore
          ? await deps.intercom.listContactTags(contact.id)
          : await tagNames(tags.data),
        companies: companies.hasMore
          ? await deps.intercom.listContactCompanies(contact.id)
          : await companyIds(companies.data),
      };
    },

    /**
     * The contact as Intercom holds it now (to settle two states with the same updated_at);
     * undefined when Intercom no longer has it.
     */
    async freshContact(id: string): Promise<(Item & { id: string }) | undefined> {
      try {
        return (await deps.intercom.getContact(id)) as Item & { id: string };
      } catch (error) {
        if (isAppError(error) && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}

export type FeedLookups = ReturnType<typeof createFeedLookups>;
