import type { ExpiringItem, LicenceUsage, RefreshPlan } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { insertCis, insertRelationships } from './graph.fixtures';
import type { InventoryTables } from './inventory.tables';

/** Today plus `days`, `YYYY-MM-DD` in UTC. */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

for (const engine of testEngines()) {
  describe(`lifecycle reports on ${engine.dialect}`, () => {
    let t: TestEstate;
    let viewer: Agent;
    let ids: Record<string, string>;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      await t.setupAdmin();
      viewer = await t.userWithRole('viewer');
      const db = t.database.db as Kysely<InventoryTables>;
      const seeds = [
        { type: 'physical_server', name: 'srv-soon', warrantyEnd: day(10), endOfLife: day(400), monthlyCost: 100 },
        { type: 'physical_server', name: 'srv-eol', endOfLife: day(100), monthlyCost: 40 },
        { type: 'physical_server', name: 'srv-old', warrantyEnd: day(-30), monthlyCost: 20 },
        { type: 'physical_server', name: 'srv-retired', warrantyEnd: day(5), status: 'retired', monthlyCost: 999 },
        { type: 'physical_server', name: 'srv-late', warrantyEnd: day(200), monthlyCost: 70 },
        { type: 'switch', name: 'sw-eol', endOfLife: day(60), warrantyEnd: day(80), monthlyCost: 15.5 },
        { type: 'virtual_machine', name: 'vm-warranty', warrantyEnd: day(20), monthlyCost: 5 },
        { type: 'contract', name: 'support', attributes: { endDate: day(30), annualCost: 1200 } },
        { type: 'contract', name: 'no-dates', attributes: {} },
        { type: 'licence', name: 'office', attributes: { seats: 2, expires: day(60) } },
        { type: 'licence', name: 'unlimited', attributes: {} },
        { type: 'application', name: 'app1' },
        { type: 'application', name: 'app2' },
        { type: 'application', name: 'app3' },
      ];
      const created = await insertCis(db, seeds);
      ids = Object.fromEntries(seeds.map((s, i) => [s.name, created[i] as string]));
      await insertRelationships(db, [
        ['licensed_by', ids.app1 as string, ids.office as string],
        ['licensed_by', ids.app2 as string, ids.office as string],
        ['licensed_by', ids.app3 as string, ids.office as string],
        ['licensed_by', ids.app1 as string, ids.unlimited as string],
        ['depends_on', ids.app2 as string, ids.app1 as string],
      ]);
    });
    afterAll(() => t?.close());

    const get = async (url: string) => {
      const res = await viewer.request('GET', url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    it('lists what expires within the window, soonest first, leaving out retired CIs', async () => {
      const page: { items: ExpiringItem[] } = await get('/api/v1/lifecycle/expiring?within=90');
      expect(page.items.map((i) => [i.name, i.kind, i.daysLeft])).toEqual([
        ['srv-soon', 'warranty', 10],
        ['vm-warranty', 'warranty', 20],
        ['support', 'contract', 30],
        ['sw-eol', 'end_of_life', 60],
        ['office', 'licence', 60],
        ['sw-eol', 'warranty', 80],
      ]);
      expect(page.items[0]).toMatchObject({ ciId: ids['srv-soon'], ciType: 'physical_server', date: day(10), status: 'deployed' });
      const longer: { items: ExpiringItem[] } = await get('/api/v1/lifecycle/expiring?within=120');
      expect(longer.items.map((i) => i.name)).toContain('srv-eol');
      const contracts: { items: ExpiringItem[] } = await get('/api/v1/lifecycle/expiring?within=365&kind=contract');
      expect(contracts.items.map((i) => i.name)).toEqual(['support']);
    });

    it('pages the expiring list with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: ExpiringItem[]; nextCursor: string | null } = await get(
          `/api/v1/lifecycle/expiring?within=90&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.items.map((i) => `${i.name}/${i.kind}`));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([
        'srv-soon/warranty',
        'vm-warranty/warranty',
        'support/contract',
        'sw-eol/end_of_life',
        'office/licence',
        'sw-eol/warranty',
      ]);
    });

    it('shows licence seats against use and flags over-use', async () => {
      const page: { items: LicenceUsage[] } = await get('/api/v1/lifecycle/licences');
      const byName = Object.fromEntries(page.items.map((l) => [l.name, l]));
      expect(byName.office).toEqual({
        ciId: ids.office,
        name: 'office',
        status: 'deployed',
        seats: 2,
        used: 3,
        available: -1,
        overUsed: true,
        expires: day(60),
      });
      expect(byName.unlimited).toMatchObject({ seats: null, used: 1, available: null, overUsed: false, expires: null });
      const first = await get('/api/v1/lifecycle/licences?limit=1');
      expect(first.items).toHaveLength(1);
      const second = await get(`/api/v1/lifecycle/licences?limit=1&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
    });

    it('plans the hardware refresh for the next quarter with costs per quarter', async () => {
      const plan: RefreshPlan = await get('/api/v1/lifecycle/refresh-plan?horizon=quarter');
      expect(plan.horizon).toBe('quarter');
      expect(plan.from).toBe(day(0));
      expect(plan.items.map((i) => [i.name, i.reason, i.overdue])).toEqual([
        ['srv-old', 'warranty', true],
        ['srv-soon', 'warranty', false],
        ['sw-eol', 'end_of_life', false],
      ]);
      expect(plan.items[0]?.quarter).toBe('overdue');
      expect(plan.items[1]?.monthlyCost).toBe(100);
      expect(plan.total).toEqual({ count: 3, monthlyCost: 135.5 });
      expect(plan.quarters[0]).toEqual({ quarter: 'overdue', count: 1, monthlyCost: 20 });
      expect(plan.quarters.reduce((n, q) => n + q.count, 0)).toBe(3);
      for (const q of plan.quarters.slice(1)) expect(q.quarter).toMatch(/^\d{4}-Q[1-4]$/);
    });

    it('plans the year, paged, with totals over the whole plan', async () => {
      const plan: RefreshPlan = await get('/api/v1/lifecycle/refresh-plan?horizon=year&limit=2');
      expect(plan.items.map((i) => i.name)).toEqual(['srv-old', 'srv-soon']);
      expect(plan.total).toEqual({ count: 5, monthlyCost: 245.5 });
      const rest: RefreshPlan = await get(`/api/v1/lifecycle/refresh-plan?horizon=year&limit=10&cursor=${plan.nextCursor}`);
      expect(rest.items.map((i) => i.name)).toEqual(['sw-eol', 'srv-eol', 'srv-late']);
      expect(rest.nextCursor).toBeNull();
    });

    it('refuses bad input with a problem', async () => {
      for (const url of [
        '/api/v1/lifecycle/expiring?within=0',
        '/api/v1/lifecycle/expiring?kind=spaceship',
        '/api/v1/lifecycle/refresh-plan?horizon=decade',
        '/api/v1/lifecycle/licences?cursor=nope',
      ]) {
        const res = await viewer.request('GET', url);
        expect(res.statusCode, url).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect((await t.anonymous().request('GET', '/api/v1/lifecycle/expiring')).statusCode).toBe(401);
    });
  });
}
