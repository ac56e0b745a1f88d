import { describe, expect, it } from 'vitest';
import { ContactInput } from './schemas/contact.ts';
import { compileValidator } from './validate.ts';

const validateContact = compileValidator<ContactInput>(ContactInput);

describe('compileValidator', () => {
  it('accepts a full contact', () => {
    const result = validateContact({
      external_id: 'crm-1',
      email: 'ada@example.com',
      role: 'user',
      custom_attributes: { plan: 'pro', seats: 3, trial: false, churned_at: null },
      companies: [{ company_id: 'acme' }],
    });
    expect(result.ok).toBe(true);
  });

  it.each([
    [{}, '/external_id', 'is required'],
    [{ external_id: 'x', email: 'not-an-email' }, '/email', 'valid email'],
    [{ external_id: 'x', role: 'admin' }, '/role', ''],
    [{ external_id: 'x', nickname: 'y' }, '/nickname', 'not a known field'],
    [{ external_id: 'x', custom_attributes: { a: { nested: true } } }, '/custom_attributes/a', ''],
  ])('says what is wrong and where: %j', (input, path, words) => {
    const result = validateContact(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.path).toBe(path);
    expect(result.message).toContain(path);
    expect(result.message).toContain(words);
  });

  it('rejects __proto__ keys as unknown fields without polluting prototypes', () => {
    const input = JSON.parse('{"external_id":"x","__proto__":{"polluted":true}}');
    const result = validateContact(input);
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
