import { describe, expect, it } from 'vitest';
import { IntercomHttpError } from '../http/intercom-error.ts';
import { compileQuery, type FieldCatalog } from './search-query.ts';

type Row = { name: string | null; seats: number; created_at: number; tags: string[]; vip: boolean };

const catalog: FieldCatalog<Row> = (field) =>
  ({
    name: { kind: 'string', get: (r: Row) => r.name },
    seats: { kind: 'integer', get: (r: Row) => r.seats },
    created_at: { kind: 'date', get: (r: Row) => r.created_at },
    tag_id: { kind: 'idList', get: (r: Row) => r.tags },
    vip: { kind: 'boolean', get: (r: Row) => r.vip },
  })[field] as ReturnType<FieldCatalog<Row>>;

const day = 86_400;
const jan1 = 1_767_225_600; // 2026-01-01T00:00:00Z
const rows: Row[] = [
  { name: 'Ada Lovelace', seats: 1, created_at: jan1 + 3_600, tags: ['t1'], vip: true },
  { name: 'Alan Turing', seats: 5, created_at: jan1 + day + 10, tags: [], vip: false },
  { name: null, seats: 10, created_at: jan1 - 10, tags: ['t2'], vip: false },
];

const names = (query: unknown) =>
  rows.filter(compileQuery(query, catalog)).map((r) => r.name ?? '(none)');

const rejects = (query: unknown) => {
  expect(() => compileQuery(query, catalog)).toThrow(IntercomHttpError);
};

describe('compileQuery', () => {
  it('supports the string operators, case-insensitively', () => {
    expect(names({ field: 'name', operator: '=', value: 'ada lovelace' })).toEqual([
      'Ada Lovelace',
    ]);
    expect(names({ field: 'name', operator: '!=', value: 'Ada Lovelace' })).toEqual([
      'Alan Turing',
      '(none)',
    ]);
    expect(names({ field: 'name', operator: '~', value: 'tur' })).toEqual(['Alan Turing']);
    expect(names({ field: 'name', operator: '!~', value: 'a' })).toEqual(['(none)']);
    expect(names({ field: 'name', operator: '^', value: 'a' })).toEqual([
      'Ada Lovelace',
      'Alan Turing',
    ]);
    expect(names({ field: 'name', operator: '$', value: 'ING' })).toEqual(['Alan Turing']);
    expect(names({ field: 'name', operator: 'IN', value: ['Alan Turing', 'x'] })).toEqual([
      'Alan Turing',
    ]);
    expect(names({ field: 'name', operator: 'NIN', value: ['Alan Turing'] })).toEqual([
      'Ada Lovelace',
      '(none)',
    ]);
    expect(names({ field: 'name', operator: '=', value: null })).toEqual(['(none)']);
  });

  it('compares integers, numeric strings included', () => {
    expect(names({ field: 'seats', operator: '>', value: 1 })).toEqual(['Alan Turing', '(none)']);
    expect(names({ field: 'seats', operator: '>=', value: '5' })).toEqual([
      'Alan Turing',
      '(none)',
    ]);
    expect(names({ field: 'seats', operator: '<', value: 5 })).toEqual(['Ada Lovelace']);
    expect(names({ field: 'seats', operator: '<=', value: 5 })).toEqual([
      'Ada Lovelace',
      'Alan Turing',
    ]);
  });

  it('matches dates by UTC calendar day', () => {
    expect(names({ field: 'created_at', operator: '=', value: jan1 + 50_000 })).toEqual([
      'Ada Lovelace',
    ]);
    expect(names({ field: 'created_at', operator: '>', value: String(jan1 + 50) })).toEqual([
      'Alan Turing',
    ]);
    expect(names({ field: 'created_at', operator: '<', value: jan1 + 50_000 })).toEqual(['(none)']);
    rejects({ field: 'created_at', operator: '>=', value: jan1 });
    rejects({ field: 'created_at', operator: '=', value: 'yesterday' });
  });

  it('treats tag_id as membership with = and != only', () => {
    expect(names({ field: 'tag_id', operator: '=', value: 't1' })).toEqual(['Ada Lovelace']);
    expect(names({ field: 'tag_id', operator: '!=', value: 't1' })).toEqual([
      'Alan Turing',
      '(none)',
    ]);
    rejects({ field: 'tag_id', operator: 'IN', value: ['t1'] });
  });

  it('combines AND and OR groups two levels deep', () => {
    const query = {
      operator: 'OR',
      value: [
        { field: 'vip', operator: '=', value: true },
        {
          operator: 'AND',
          value: [
            { field: 'seats', operator: '>', value: 2 },
            { field: 'name', operator: '!=', value: null },
          ],
        },
      ],
    };
    expect(names(query)).toEqual(['Ada Lovelace', 'Alan Turing']);
  });

  it('refuses a third level of nesting, more than 15 filters per group, bad operators and fields', () => {
    const leaf = { field: 'seats', operator: '>', value: 1 };
    rejects({
      operator: 'AND',
      value: [{ operator: 'OR', value: [{ operator: 'AND', value: [leaf] }] }],
    });
    rejects({ operator: 'AND', value: Array.from({ length: 16 }, () => leaf) });
    expect(() =>
      compileQuery({ operator: 'AND', value: Array.from({ length: 15 }, () => leaf) }, catalog),
    ).not.toThrow();
    rejects({ field: 'name', operator: '>', value: 'a' });
    rejects({ field: 'name', operator: 'LIKE', value: 'a' });
    rejects({ field: 'nope', operator: '=', value: 'a' });
    rejects({ field: 'name', operator: 'IN', value: 'a' });
    rejects({ operator: 'AND', value: [] });
  });
});
