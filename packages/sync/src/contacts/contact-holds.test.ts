import { describe, expect, it } from 'vitest';
import { contactHolds } from './contact-holds.ts';

const contact = {
  id: 'c1',
  external_id: 'crm-1',
  role: 'user',
  email: 'ada@example.com',
  phone: null,
  name: 'Ada',
  custom_attributes: { plan: 'pro', seats: 3 },
};

describe('contactHolds', () => {
  it('holds a write whose every field the contact already has', () => {
    expect(contactHolds(contact, { name: 'Ada', email: 'ada@example.com', role: 'user' })).toBe(
      true,
    );
    expect(contactHolds(contact, { custom_attributes: { plan: 'pro' } })).toBe(true);
    expect(contactHolds(contact, {})).toBe(true);
  });

  it('treats an unset field or attribute as null', () => {
    expect(contactHolds(contact, { phone: null as unknown as string })).toBe(true);
    expect(contactHolds(contact, { custom_attributes: { missing: null } })).toBe(true);
    expect(contactHolds({ id: 'c2' }, { custom_attributes: { plan: null } })).toBe(true);
  });

  it('does not hold a write with any field that differs', () => {
    expect(contactHolds(contact, { name: 'Ada Lovelace' })).toBe(false);
    expect(contactHolds(contact, { role: 'lead' })).toBe(false);
    expect(contactHolds(contact, { phone: '+44 20' })).toBe(false);
    expect(contactHolds(contact, { custom_attributes: { seats: 4 } })).toBe(false);
    expect(contactHolds({ id: 'c2' }, { custom_attributes: { plan: 'pro' } })).toBe(false);
  });
});
