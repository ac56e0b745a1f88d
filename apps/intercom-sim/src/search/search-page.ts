import { parameterInvalid } from '../http/intercom-error.ts';
import type { FieldCatalog, Predicate } from './search-query.ts';

export type PageLimits = { defaultPerPage: number; maxPerPage: number };

export type PageRequest = {
  perPage: number;
  startingAfter: string | null;
  sort: { field: string; descending: boolean } | null;
};

type Cursor = [page: number, sortValue: SortValue, seq: number];
type SortValue = number | string | null;

/** Reads `pagination` and `sort` from a search body; throws a 400 on bad values. */
export function parsePageRequest(body: Record<string, unknown>, limits: PageLimits): PageRequest {
  const pagination = (body.pagination ?? {}) as { per_page?: unknown; starting_after?: unknown };
  const perPage = pagination.per_page ?? limits.defaultPerPage;
  if (!Number.isInteger(perPage) || (perPage as number) < 1) {
    throw parameterInvalid('per_page must be a positive integer');
  }
  if ((perPage as number) > limits.maxPerPage) {
    throw parameterInvalid(`per_page must be at most ${limits.maxPerPage}`);
  }
  const startingAfter = pagination.starting_after ?? null;
  if (startingAfter !== null && typeof startingAfter !== 'string') {
    throw parameterInvalid('starting_after must be a string');
  }
  const sortInput = body.sort as { field?: unknown; order?: unknown } | undefined;
  const sort =
    sortInput && typeof sortInput.field === 'string'
      ? { field: sortInput.field, descending: sortInput.order === 'descending' }
      : null;
  return { perPage: perPage as number, startingAfter, sort };
}

/**
 * One page of matches in a stable order (the sort field, then creation order), with a keyset
 * cursor: writes between pages neither repeat nor skip the items already paged past.
 */
export function searchPage<T extends { seq: number }>(
  items: Iterable<T>,
  matches: Predicate<T>,
  request: PageRequest,
  catalog: FieldCatalog<T>,
) {
  const sortField = request.sort ? catalog(request.sort.field) : undefined;
  if (request.sort && !sortField) throw parameterInvalid(`Cannot sort by ${request.sort.field}`);
  const sortValue = (item: T): SortValue => {
    const value = sortField?.get(item);
    return typeof value === 'number' || typeof value === 'string' ? value : null;
  };
  const direction = request.sort?.descending ? -1 : 1;
  const compare = (a: [SortValue, number], b: [SortValue, number]) =>
    direction * (compareValues(a[0], b[0]) || a[1] - b[1]);

  const found: T[] = [];
  for (const item of items) if (matches(item)) found.push(item);
  found.sort((a, b) => compare([sortValue(a), a.seq], [sortValue(b), b.seq]));

  const cursor = request.startingAfter ? decodeCursor(request.startingAfter) : null;
  const start = cursor
    ? found.findIndex((item) => compare([sortValue(item), item.seq], [cursor[1], cursor[2]]) > 0)
    : 0;
  const from = start === -1 ? found.length : start;
  const data = found.slice(from, from + request.perPage);
  const page = cursor ? cursor[0] + 1 : 1;
  const last = data.at(-1);
  const hasMore = from + data.length < found.length;
  return {
    data,
    total_count: found.length,
    pages: {
      type: 'pages' as const,
      page,
      per_page: request.perPage,
      total_pages: Math.ceil(found.length / request.perPage),
      ...(hasMore && last
        ? {
            next: {
              per_page: request.perPage,
              starting_after: encodeCursor([page, sortValue(last), last.seq]),
            },
          }
        : {}),
    },
  };
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64');
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
    if (Array.isArray(cursor) && cursor.length === 3 && typeof cursor[2] === 'number') {
      return cursor as Cursor;
    }
  } catch {
    // falls through to the 400 below
  }
  throw parameterInvalid('starting_after is not a valid cursor');
}
