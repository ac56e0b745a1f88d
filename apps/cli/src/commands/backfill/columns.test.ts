import { describe, expect, it } from 'vitest';
import { mapperForHeader } from './columns.ts';

describe('mapperForHeader', () => {
  it('maps fields and custom attributes, leaving empty cells out', () => {
    const map = mapperForHeader([
      'external_id',
      'email',
      'role',
      'custom_attributes.seats',
      'custom_attributes.paying',
      'custom_attributes.plan',
    ]);
    expect(map(['crm-1', 'ada@example.com', 'user', '3', 'true', 'pro'])).toEqual({
      contact: {
        external_id: 'crm-1',
        email: 'ada@example.com',
        role: 'user',
        custom_attributes: { seats: 3, paying: true, plan: 'pro' },
      },
    });
    expect(map(['crm-2', '', '', '', '', ''])).toEqual({ contact: { external_id: 'crm-2' } });
  });

  it('follows a typed column: digits stay text with :string, dates become Unix seconds', () => {
    const map = mapperForHeader([
      'external_id',
      'custom_attributes.zip:string',
      'custom_attributes.since:date',
      'custom_attributes.score:number',
    ]);
    expect(map(['crm-1', '01234', '2026-01-01T00:00:00Z', '2.5'])).toEqual({
      contact: {
        external_id: 'crm-1',
        custom_attributes: { zip: '01234', since: 1767225600, score: 2.5 },
      },
    });
    expect(map(['crm-1', '', '', 'many'])).toEqual({
      error: 'custom_attributes.score is not a number',
    });
  });

  it('refuses headers the ingress would refuse', () => {
    expect(() => mapperForHeader(['email'])).toThrow(/needs an external_id column/);
    expect(() => mapperForHeader(['external_id', 'plan'])).toThrow(/CSV column "plan"/);
    expect(() => mapperForHeader(['external_id', 'custom_attributes.x:money'])).toThrow(
      /type must be one of/,
    );
  });
});
