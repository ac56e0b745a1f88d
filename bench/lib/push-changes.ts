/** Changes as the feed records them, for the push benchmarks: one contact each, a real change's size. */
export function benchChange(i: number, version = 1) {
  return {
    type: 'contact.updated',
    data: {
      object: 'contact',
      intercom_id: `66f0${String(i).padStart(20, '0')}`,
      external_id: `crm-${i}`,
      version,
      changed: ['name', 'phone'],
      attributes: {
        email: `person${i}@example.com`,
        name: `Person ${i} v${version}`,
        role: 'user',
        phone: `+1555${String(i).padStart(6, '0')}`,
        unsubscribed_from_emails: false,
        tags: ['vip'],
        companies: ['acme'],
        custom_attributes: { plan: 'pro' },
      },
      source: 'webhook',
      occurred_at: 1_796_000_000 + version,
    },
  };
}
