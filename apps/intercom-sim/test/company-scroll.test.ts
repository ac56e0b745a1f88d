import { describe, expect, it } from 'vitest';
import { buildSimulator } from '../src/app.ts';
import { SCROLL_IDLE_MS, SCROLL_PAGE_SIZE } from '../src/companies/company-scrolls.ts';
import { apiCall, createManualClock, token } from './helpers.ts';

type ScrollPage = {
  type: string;
  data: { company_id: string }[];
  pages: null;
  total_count: null;
  scroll_param: string;
};

function scrollingSimulator(companies: number) {
  const clock = createManualClock();
  const sim = buildSimulator({
    now: clock.now,
    tokens: [
      { token, appId: 'simapp' },
      { token: 'other-token', appId: 'other-app' },
    ],
  });
  for (let index = 0; index < companies; index += 1) {
    sim.state.companies.upsert(`co-${index}`, { name: `Company ${index}` });
  }
  const scroll = (param?: string, as = token) =>
    apiCall(sim, {
      url: param === undefined ? '/companies/scroll' : `/companies/scroll?scroll_param=${param}`,
      token: as,
    });
  return { sim, clock, scroll };
}

describe('GET /companies/scroll', () => {
  it('walks every company a page at a time and ends with an empty page that closes it', async () => {
    const { sim, scroll } = scrollingSimulator(SCROLL_PAGE_SIZE + 5);
    const first = (await scroll()).json() as ScrollPage;
    expect(first).toMatchObject({ type: 'list', pages: null, total_count: null });
    expect(first.data).toHaveLength(SCROLL_PAGE_SIZE);
    expect(first.scroll_param).toMatch(/^[0-9a-f-]{36}$/);

    // A company created while the scroll is open is reached; a deleted one is not.
    sim.state.companies.upsert('late', {});
    const doomed = sim.state.companies.findByCompanyId('co-101');
    sim.state.companies.delete(doomed?.id ?? '');
    const second = (await scroll(first.scroll_param)).json() as ScrollPage;
    expect(second.data.map((company) => company.company_id)).toEqual([
      'co-100',
      'co-102',
      'co-103',
      'co-104',
      'late',
    ]);
    expect(second.scroll_param).toBe(first.scroll_param);

    const end = (await scroll(first.scroll_param)).json() as ScrollPage;
    expect(end.data).toEqual([]);
    const after = await scroll(first.scroll_param);
    expect(after.statusCode).toBe(404);
    expect(after.json().errors[0].code).toBe('not_found');
    expect((await scroll()).statusCode).toBe(200);
    await sim.app.close();
  });

  it('allows one open scroll per app: a second one is 400 scroll_exists, another app may scroll', async () => {
    const { sim, scroll } = scrollingSimulator(3);
    expect((await scroll()).statusCode).toBe(200);
    const busy = await scroll();
    expect(busy.statusCode).toBe(400);
    expect(busy.json()).toMatchObject({
      type: 'error.list',
      errors: [{ code: 'scroll_exists', message: expect.stringContaining('already exists') }],
    });
    expect((await scroll(undefined, 'other-token')).statusCode).toBe(200);
    await sim.app.close();
  });

  it('expires a scroll_param a minute after its last use (simulator clock)', async () => {
    const { sim, clock, scroll } = scrollingSimulator(SCROLL_PAGE_SIZE * 3);
    const { scroll_param: param } = (await scroll()).json() as ScrollPage;
    clock.advance(SCROLL_IDLE_MS - 1);
    expect((await scroll(param)).statusCode).toBe(200);
    clock.advance(SCROLL_IDLE_MS - 1);
    expect((await scroll(param)).statusCode).toBe(200);
    clock.advance(SCROLL_IDLE_MS);
    const expired = await scroll(param);
    expect(expired.statusCode).toBe(404);
    expect(expired.json().errors[0].code).toBe('not_found');
    expect((await scroll()).statusCode).toBe(200);
    await sim.app.close();
  });

  it('answers 404 for a scroll_param that never was, and forgets scrolls on reset', async () => {
    const { sim, scroll } = scrollingSimulator(1);
    expect((await scroll('not-a-scroll')).statusCode).toBe(404);
    expect((await scroll()).statusCode).toBe(200);
    sim.state.reset();
    expect((await scroll()).statusCode).toBe(200);
    await sim.app.close();
  });
});
