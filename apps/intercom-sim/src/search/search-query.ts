import { parameterInvalid } from '../http/intercom-error.ts';

/**
 * Intercom's search query language: a single filter `{field, operator, value}` or a group
 * `{operator: "AND"|"OR", value: [...]}`; groups nest at most 2 deep with at most 15 entries.
 */
export type FieldKind = 'string' | 'integer' | 'boolean' | 'date' | 'idList' | 'any';

export type SearchField<T> = { kind: FieldKind; get: (item: T) => unknown };

/** Resolves a query field name (e.g. `custom_attributes.plan`) for one searchable model. */
export type FieldCatalog<T> = (field: string) => SearchField<T> | undefined;

export type Predicate<T> = (item: T) => boolean;

const maxGroupDepth = 2;
const maxGroupSize = 15;
const daySeconds = 86_400;

const operatorsByKind: Record<FieldKind, ReadonlySet<string>> = {
  string: new Set(['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$']),
  integer: new Set(['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>=']),
  boolean: new Set(['=', '!=', 'IN', 'NIN']),
  date: new Set(['=', '<', '>']),
  idList: new Set(['=', '!=']),
  any: new Set(['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>=', '~', '!~', '^', '$']),
};

/** Checks a query and turns it into a predicate; throws a 400 that says what is wrong. */
export function compileQuery<T>(query: unknown, catalog: FieldCatalog<T>, depth = 0): Predicate<T> {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw parameterInvalid('query must be an object');
  }
  const node = query as { field?: unknown; operator?: unknown; value?: unknown };
  if (node.operator === 'AND' || node.operator === 'OR') {
    if (depth >= maxGroupDepth) {
      throw parameterInvalid(`Search supports at most ${maxGroupDepth} levels of nested filters`);
    }
    if (!Array.isArray(node.value) || node.value.length === 0) {
      throw parameterInvalid(`${node.operator} requires a non-empty array of filters`);
    }
    if (node.value.length > maxGroupSize) {
      throw parameterInvalid(`Search supports at most ${maxGroupSize} filters per AND/OR group`);
    }
    const parts = node.value.map((child) => compileQuery(child, catalog, depth + 1));
    return node.operator === 'AND'
      ? (item) => parts.every((part) => part(item))
      : (item) => parts.some((part) => part(item));
  }
  return compileFilter(node, catalog);
}

function compileFilter<T>(
  node: { field?: unknown; operator?: unknown; value?: unknown },
  catalog: FieldCatalog<T>,
): Predicate<T> {
  if (typeof node.field !== 'string') throw parameterInvalid('Each filter needs a field');
  const field = catalog(node.field);
  if (!field) throw parameterInvalid(`${node.field} is not a searchable field`);
  const operator = String(node.operator);
  if (!operatorsByKind[field.kind].has(operator)) {
    throw parameterInvalid(`Operator ${operator} is not supported for field ${node.field}`);
  }
  const { value } = node;
  const isList = operator === 'IN' || operator === 'NIN';
  if (isList !== Array.isArray(value)) {
    throw parameterInvalid(`The value for ${operator} must ${isList ? '' : 'not '}be an array`);
  }
  if (isList) {
    const wanted = (value as unknown[]).map(normalize);
    const within = (item: T) => wanted.includes(normalize(field.get(item)));
    return operator === 'IN' ? within : (item) => !within(item);
  }
  if (field.kind === 'date') return compileDateFilter(field, operator, value, node.field);
  if (field.kind === 'idList') return compileIdListFilter(field, operator, String(value));
  const wanted = field.kind === 'integer' && isDigits(value) ? Number(value) : value;
  return compileScalarFilter(field, operator, normalize(wanted));
}

/** Dates match by calendar day (UTC here), as Intercom documents for search. */
function compileDateFilter<T>(
  field: SearchField<T>,
  operator: string,
  value: unknown,
  name: string,
): Predicate<T> {
  const seconds = isDigits(value) ? Number(value) : value;
  if (!Number.isInteger(seconds)) throw parameterInvalid(`${name} must be a Unix timestamp`);
  const dayStart = Math.floor((seconds as number) / daySeconds) * daySeconds;
  const at = (item: T) => field.get(item);
  if (operator === '=') {
    return (item) => inRange(at(item), dayStart, dayStart + daySeconds);
  }
  if (operator === '>') return (item) => inRange(at(item), dayStart + daySeconds, Infinity);
  return (item) => inRange(at(item), -Infinity, dayStart);
}

/** The field holds a list of ids (tags, companies); `=` means "has this one". */
function compileIdListFilter<T>(field: SearchField<T>, operator: string, id: string): Predicate<T> {
  const has = (item: T) => (field.get(item) as readonly string[]).includes(id);
  return operator === '=' ? has : (item) => !has(item);
}

function isDigits(value: unknown): value is string {
  return typeof value === 'string' && /^\d+$/.test(value);
}

function inRange(value: unknown, from: number, before: number): boolean {
  return typeof value === 'number' && value >= from && value < before;
}

function compileScalarFilter<T>(field: SearchField<T>, operator: string, wanted: unknown) {
  const get = (item: T) => normalize(field.get(item));
  const text = (item: T) => {
    const v = get(item);
    return v === null ? null : String(v);
  };
  const needle = wanted === null ? '' : String(wanted);
  switch (operator) {
    case '=':
      return (item: T) => get(item) === wanted;
    case '!=':
      return (item: T) => get(item) !== wanted;
    case '~':
      return (item: T) => text(item)?.includes(needle) ?? false;
    case '!~':
      return (item: T) => !(text(item)?.includes(needle) ?? false);
    case '^':
      return (item: T) => text(item)?.startsWith(needle) ?? false;
    case '$':
      return (item: T) => text(item)?.endsWith(needle) ?? false;
    default:
      return compareFilter(get, operator, wanted);
  }
}

function compareFilter<T>(get: (item: T) => unknown, operator: string, wanted: unknown) {
  const bound = Number(wanted);
  if (wanted === null || Number.isNaN(bound)) throw parameterInvalid(`${operator} needs a number`);
  const compare = {
    '<': (v: number) => v < bound,
    '>': (v: number) => v > bound,
    '<=': (v: number) => v <= bound,
    '>=': (v: number) => v >= bound,
  }[operator];
  if (!compare) throw parameterInvalid(`Unknown operator ${operator}`);
  return (item: T) => {
    const value = get(item);
    return typeof value === 'number' && compare(value);
  };
}

/** Strings compare case-insensitively; absent is null. */
function normalize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.toLowerCase();
  return value;
}
