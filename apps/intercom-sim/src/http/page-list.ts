import { parameterInvalid } from './intercom-error.ts';

export type PageQuery = { page?: string; per_page?: string };

/**
 * Intercom's page-numbered lists (`?page=&per_page=`): a page past the end is empty, which is
 * how the SDK's iterator knows to stop.
 */
export function pageList<T>(
  items: readonly T[],
  query: PageQuery,
  defaultPerPage: number,
  maxPerPage = 150,
) {
  const page = query.page === undefined ? 1 : Number(query.page);
  const perPage = query.per_page === undefined ? defaultPerPage : Number(query.per_page);
  if (!Number.isInteger(page) || page < 1)
    throw parameterInvalid('page must be a positive integer');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > maxPerPage) {
    throw parameterInvalid(`per_page must be an integer between 1 and ${maxPerPage}`);
  }
  const totalPages = Math.ceil(items.length / perPage);
  return {
    type: 'list' as const,
    pages: {
      type: 'pages' as const,
      page,
      per_page: perPage,
      total_pages: totalPages,
      ...(page < totalPages ? { next: { page: page + 1, starting_after: null } } : {}),
    },
    total_count: items.length,
    data: items.slice((page - 1) * perPage, page * perPage),
  };
}
