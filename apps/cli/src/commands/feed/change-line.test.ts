import { describe, expect, it } from 'vitest';
import { changeLine, withoutValues } from './change-line.ts';

const merged = {
  cursor: '1796575200000-3',
  type: 'contact.merged',
  timestamp: '2026-12-06T16:40:00.000Z',
  data: {
    id: 'chg_1796575200000-3',
    object: 'contact',
    intercom_id: '6762aa',
    external_id: null,
    version: 2,
    merged_into: { intercom_id: '6762bb', external_id: 'crm-42' },
    attributes: { email: 'ada@example.com' },
    source: 'webhook',
  },
};

describe('changeLine', () => {
  it('names a lead the CRM does not know as "-", and the contact it was merged into', () => {
    expect(changeLine(merged).split(/ +/)).toEqual([
      '1796575200000-3',
      'contact.merged',
      'v2',
      '6762aa',
      '-',
      'webhook',
      'merged',
      'into',
      '6762bb',
    ]);
  });

  it('prints a conversation notification without version, CRM id or changed fields', () => {
    const conversation = {
      cursor: '1796575200000-4',
      type: 'conversation.user.replied',
      timestamp: '2026-12-06T16:40:00.000Z',
      data: {
        id: 'chg_1796575200000-4',
        object: 'conversation',
        intercom_id: '991',
        source: 'webhook',
      },
    };
    expect(changeLine(conversation).split(/ +/)).toEqual([
      '1796575200000-4',
      'conversation.user.replied',
      '-',
      '991',
      '-',
      'webhook',
      '-',
    ]);
  });
});

describe('withoutValues', () => {
  it('drops attribute values and conversation items, keeping ids and what changed', () => {
    const item = { ...merged, data: { ...merged.data, item: { body: 'hi' }, changed: ['email'] } };
    const stripped = withoutValues(item);
    expect(stripped.data).not.toHaveProperty('attributes');
    expect(stripped.data).not.toHaveProperty('item');
    expect(stripped.data).toMatchObject({ intercom_id: '6762aa', changed: ['email'] });
    expect(item.data.attributes).toEqual({ email: 'ada@example.com' });
  });
});
