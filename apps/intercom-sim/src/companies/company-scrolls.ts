import { randomUUID } from 'node:crypto';
import { IntercomHttpError } from '../http/intercom-error.ts';
import type { CompanyRecord } from './company-record.ts';

/** Companies per scroll page (Intercom's scroll hands out 100 at a time). */
export const SCROLL_PAGE_SIZE = 100;
/** A scroll not used for this long is gone (Intercom: one minute). */
export const SCROLL_IDLE_MS = 60_000;

type OpenScroll = { param: string; afterSeq: number; lastUsedMs: number };

export type CompanyScrollDeps = {
  now: () => number;
  /** Every company, in any order. */
  companies: () => Iterable<CompanyRecord>;
};

/**
 * `GET /companies/scroll`: at most one open scroll per app. A scroll walks the companies in
 * creation order, so companies created while it is open are reached and deleted ones skipped;
 * the empty page that ends it also closes it, as does a minute without use.
 */
export function createCompanyScrolls(deps: CompanyScrollDeps) {
  const open = new Map<string, OpenScroll>();

  function live(appId: string): OpenScroll | undefined {
    const scroll = open.get(appId);
    if (scroll && deps.now() - scroll.lastUsedMs >= SCROLL_IDLE_MS) open.delete(appId);
    return open.get(appId);
  }

  function nextPage(appId: string, scroll: OpenScroll): CompanyRecord[] {
    const page = [...deps.companies()]
      .filter((company) => company.seq > scroll.afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, SCROLL_PAGE_SIZE);
    const last = page.at(-1);
    if (last) {
      scroll.afterSeq = last.seq;
      scroll.lastUsedMs = deps.now();
    } else open.delete(appId);
    return page;
  }

  return {
    /** The first page of a new scroll; 400 `scroll_exists` while the app has one open. */
    start(appId: string): { param: string; page: CompanyRecord[] } {
      if (live(appId)) {
        throw new IntercomHttpError(
          400,
          'scroll_exists',
          'A scroll already exists for this app: use its scroll_param or wait a minute for it to expire',
        );
      }
      const scroll = { param: randomUUID(), afterSeq: 0, lastUsedMs: deps.now() };
      open.set(appId, scroll);
      return { param: scroll.param, page: nextPage(appId, scroll) };
    },

    /** The next page; 404 `not_found` for a param that expired, ended or never was. */
    continue(appId: string, param: string): CompanyRecord[] {
      const scroll = live(appId);
      if (!scroll || scroll.param !== param) {
        throw new IntercomHttpError(404, 'not_found', 'Scroll parameter not found or expired');
      }
      return nextPage(appId, scroll);
    },

    clear: () => open.clear(),
  };
}
