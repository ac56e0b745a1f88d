import { describe, expect, it } from 'vitest';
import { useChangeHarness } from './change-harness.ts';

/** Tags and companies attached on Intercom's side, and how many a contact shows inline. */
describe('contact tag and company changes', () => {
  const start = useChangeHarness();

  it('tags by name (creating the tag) and untags: contact.tag.created / deleted', async () => {
    const { control, api, notification } = await start();
    const { body: lead } = await control('POST', 'changes/contacts', {});
    const tagged = await control('POST', `changes/contacts/${lead.id}/tags`, { name: 'vip' });
    expect(tagged.status).toBe(200);
    const [tag] = (await api('GET', '/tags')).body.data;
    expect(tag).toEqual({ type: 'tag', id: expect.any(String), name: 'vip' });
    expect(tagged.body.tags).toMatchObject({ total_count: 1, data: [{ id: tag.id }] });
    expect((await notification('contact.tag.created')).data.item).toEqual({
      type: 'contact_tag',
      created_at: expect.any(Number),
      contact: tagged.body,
      tag,
    });

    const untagged = await control('DELETE', `changes/contacts/${lead.id}/tags/vip`);
    expect(untagged.body.tags).toMatchObject({ total_count: 0, data: [] });
    expect((await notification('contact.tag.deleted')).data.item).toMatchObject({
      type: 'contact_tag',
      contact: untagged.body,
      tag,
    });
    const unknown = await control('DELETE', `changes/contacts/${lead.id}/tags/nope`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'tag_not_found']);
    const nameless = await control('POST', `changes/contacts/${lead.id}/tags`, {});
    expect(nameless.status).toBe(400);
  });

  it('attaches and detaches companies: company.contact.attached / detached', async () => {
    const { control, notification } = await start();
    const { body: user } = await control('POST', 'changes/contacts', { role: 'user' });
    const { body: company } = await control('POST', 'changes/companies', { company_id: 'acme' });
    // By the client's company_id here, by Intercom id below: both name the company.
    const attached = await control('POST', `changes/contacts/${user.id}/companies`, {
      company_id: 'acme',
    });
    expect(attached.body.companies).toMatchObject({ total_count: 1, data: [{ id: company.id }] });
    expect((await notification('company.contact.attached')).data.item).toEqual({
      type: 'contact_company',
      created_at: expect.any(Number),
      contact: attached.body,
      company,
    });

    const detached = await control('DELETE', `changes/contacts/${user.id}/companies/${company.id}`);
    expect(detached.body.companies.total_count).toBe(0);
    expect((await notification('company.contact.detached')).data.item).toMatchObject({
      type: 'contact_company',
      contact: detached.body,
      company: { id: company.id },
    });
    const unknown = await control('POST', `changes/contacts/${user.id}/companies`, {
      company_id: 'nope',
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'company_not_found']);
  });

  it('shows 10 tags and companies inline (has_more, the real total); the list routes give all', async () => {
    const { control, api, notification } = await start();
    const { body: user } = await control('POST', 'changes/contacts', { role: 'user' });
    for (let n = 1; n <= 12; n++) {
      await control('POST', `changes/contacts/${user.id}/tags`, { name: `tag-${n}` });
      await control('POST', 'changes/companies', { company_id: `co-${n}` });
      await control('POST', `changes/contacts/${user.id}/companies`, { company_id: `co-${n}` });
    }
    const { body: contact } = await api('GET', `/contacts/${user.id}`);
    for (const list of [contact.tags, contact.companies]) {
      expect(list.data).toHaveLength(10);
      expect(list).toMatchObject({ total_count: 12, has_more: true });
    }
    expect(contact.tags.url).toBe(`/contacts/${user.id}/tags`);

    const tags = (await api('GET', `/contacts/${user.id}/tags`)).body;
    expect(tags.data.map((t: { name: string }) => t.name)).toEqual(
      Array.from({ length: 12 }, (_, i) => `tag-${i + 1}`),
    );
    const companies = (await api('GET', `/contacts/${user.id}/companies`)).body;
    expect(companies.total_count).toBe(12);
    expect(companies.companies).toHaveLength(12);

    // Webhook items carry the same truncated view.
    await notification('company.contact.attached');
    const { body: last } = await control('PATCH', `changes/contacts/${user.id}`, { name: 'Z' });
    expect(last.tags).toMatchObject({ total_count: 12, has_more: true });
    expect((await notification('contact.user.updated')).data.item).toEqual(last);
  });

  it('answers bad JSON in the control shape', async () => {
    const { sim } = await start();
    const response = await fetch(`${sim.baseUrl}/__sim/changes/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_request', message: 'Request body is not valid JSON' },
    });
  });
});
