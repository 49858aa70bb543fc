import { CI_SORTS, type Ci } from '@estate/contract';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from '../../../test/harness';
import { createEstate } from '../../app';
import { loadConfig } from '../../platform/config/config';
import { insertCis } from './ci-list.fixtures';

for (const engine of testEngines()) {
  describe(`GET /api/v1/cis on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    const id: Record<string, string> = {};

    const names = async (query: string): Promise<string[]> => {
      const res = await admin.request('GET', `/api/v1/cis?limit=500&${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as Ci[]).map((c) => c.name).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      const [team, site] = await insertCis(t.database.db, [
        { name: 'Platform', type: 'team' },
        { name: 'Zürich DC', type: 'site' },
      ]);
      id.team = team as string;
      id.site = site as string;
      const ids = await insertCis(t.database.db, [
        {
          name: 'db-01',
          environment: 'production',
          criticality: 'critical',
          ownerTeamId: id.team,
          locationId: id.site,
          serial: 'SN-001',
          tags: ['pci', 'linux'],
          attributes: { ipAddresses: ['10.0.0.5'], memoryGb: 256, os: 'debian' },
          customFields: { rack_unit: 12 },
        },
        {
          name: 'web-01',
          type: 'virtual_machine',
          environment: 'staging',
          criticality: 'low',
          serial: 'SN-002',
          tags: ['web'],
          attributes: { ipAddresses: ['10.0.1.7'], os: 'ubuntu', managed: true },
          customFields: { cost_center: 'ops' },
        },
        { name: 'web-02', type: 'virtual_machine', status: 'retired', environment: 'development', attributes: { os: 'ubuntu' } },
        { name: 'Zürich laptop', type: 'end_user_device', status: 'in_stock', tags: ['office'], locationId: id.site },
      ]);
      id.db = ids[0] as string;
    });
    afterAll(() => t?.close());

    it('lists every CI, sorted by name by default, without counting', async () => {
      const res = await admin.request('GET', '/api/v1/cis');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.nextCursor).toBeNull();
      expect(body).not.toHaveProperty('total');
      expect(body.items).toHaveLength(6);
      const db = (body.items as Ci[]).find((c) => c.name === 'db-01')!;
      expect(db.tags).toEqual(['linux', 'pci']);
      expect(db.attributes).toEqual({ ipAddresses: ['10.0.0.5'], memoryGb: 256, os: 'debian' });
      expect(db.customFields).toEqual({ rack_unit: 12 });
      expect(db).not.toHaveProperty('searchText');
    });

    it('answers a CI through GET /cis/:id and the list exactly as a write presents it', async () => {
      const created = await admin.request('POST', '/api/v1/cis', {
        type: 'physical_server',
        name: 'doc "quoted" Zürich \\ 01',
        environment: 'test',
        criticality: 'medium',
        ownerTeamId: id.team,
        serial: 'SN-\u0001-ü',
        purchaseDate: '2024-02-29',
        monthlyCost: 12.5,
        tags: ['zeta', 'Alpha', 'ünï', 'b"q', '😀'],
        attributes: { hostname: 'h\n"x"', ipAddresses: ['10.9.9.9', '::1'], cpuCores: 8, memoryGb: 0.5, os: 'Débian' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const patched = await admin.request(
        'PATCH',
        `/api/v1/cis/${created.json().id}`,
        { monthlyCost: 100, model: 'R650' },
        {
          'if-match': created.headers.etag as string,
        },
      );
      expect(patched.statusCode, patched.body).toBe(200);
      const written = patched.json() as Ci;
      expect(Object.keys(written.provenance).length).toBeGreaterThan(0);

      const single = await admin.request('GET', `/api/v1/cis/${written.id}`);
      expect(single.statusCode).toBe(200);
      expect(single.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(single.headers.etag).toBe(patched.headers.etag);
      expect(single.json()).toStrictEqual(written);
      // The same fields in the same order as the schema-serialised answer of the write.
      expect(Object.keys(single.json())).toEqual(Object.keys(written));

      const list = await admin.request('GET', '/api/v1/cis?type=physical_server&environment=test&limit=1');
      expect(list.statusCode).toBe(200);
      expect(list.json()).toStrictEqual({ items: [written], nextCursor: null });

      const missing = await admin.request('GET', '/api/v1/cis/00000000-0000-7000-8000-000000000000');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      expect(
        (await admin.request('DELETE', `/api/v1/cis/${written.id}`, undefined, { 'if-match': patched.headers.etag as string })).statusCode,
      ).toBe(204);
    });

    it('filters by each common field', async () => {
      expect(await names('type=virtual_machine')).toEqual(['web-01', 'web-02']);
      expect(await names('type=team,site')).toEqual(['Platform', 'Zürich DC']);
      expect(await names('status=retired,in_stock')).toEqual(['web-02', 'Zürich laptop']);
      expect(await names('status=retired')).toEqual(['web-02']);
      expect(await names('environment=staging')).toEqual(['web-01']);
      expect(await names('criticality=critical')).toEqual(['db-01']);
      expect(await names(`ownerTeamId=${id.team}`)).toEqual(['db-01']);
      expect(await names(`locationId=${id.site}`)).toEqual(['db-01', 'Zürich laptop']);
      expect(await names('tag=pci')).toEqual(['db-01']);
      expect(await names('tag=nope')).toEqual([]);
      expect(await names('type=virtual_machine&status=deployed')).toEqual(['web-01']);
    });

    it('filters by attributes and custom fields, scalars and array elements alike', async () => {
      expect(await names('attr.os=ubuntu')).toEqual(['web-01', 'web-02']);
      expect(await names('attr.ipAddresses=10.0.0.5')).toEqual(['db-01']);
      expect(await names('attr.memoryGb=256')).toEqual(['db-01']);
      expect(await names('attr.managed=true')).toEqual(['web-01']);
      expect(await names('attr.os=ubuntu&type=virtual_machine&status=retired')).toEqual(['web-02']);
      expect(await names('cf.rack_unit=12')).toEqual(['db-01']);
      expect(await names('cf.cost_center=ops')).toEqual(['web-01']);
      expect(await names('attr.unknown_key=x')).toEqual([]);
      expect(await names('cf.unknown_key=x')).toEqual([]);
    });

    it('searches names, IPs, serials, tags and attributes, with prefixes', async () => {
      expect(await names('q=web')).toEqual(['web-01', 'web-02']);
      expect(await names('q=web-01')).toEqual(['web-01']);
      expect(await names('q=db-0')).toEqual(['db-01']);
      expect(await names('q=10.0.0.5')).toEqual(['db-01']);
      expect(await names('q=10.0')).toEqual(['db-01', 'web-01']);
      expect(await names('q=SN-002')).toEqual(['web-01']);
      expect(await names('q=pci')).toEqual(['db-01']);
      expect(await names('q=office')).toEqual(['Zürich laptop']);
      expect(await names(`q=${encodeURIComponent('zürich')}`)).toEqual(['Zürich DC', 'Zürich laptop']);
      expect(await names(`q=${encodeURIComponent('web ubuntu')}`)).toEqual(['web-01', 'web-02']);
      expect(await names(`q=${encodeURIComponent('web debian')}`)).toEqual([]);
      expect(await names('q=deb&type=physical_server')).toEqual(['db-01']);
    });

    it('treats full-text syntax in q as plain words', async () => {
      const attempts = [
        '"',
        '""',
        '*',
        'web*',
        'NEAR(web db)',
        'web OR db',
        'web AND NOT db',
        '-web',
        'name:web',
        '{name}: web',
        "'; drop table cis; --",
        '\\',
        '^web',
        '(',
        ':*',
        "'web':*",
        'web & db | !x',
        '<->',
      ];
      for (const q of attempts) {
        const res = await admin.request('GET', `/api/v1/cis?q=${encodeURIComponent(q)}`);
        expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
      }
      expect(await names(`q=${encodeURIComponent('web OR db')}`)).toEqual([]);
      expect(await names(`q=${encodeURIComponent('"web')}`)).toEqual(['web-01', 'web-02']);
      expect(await names(`q=${encodeURIComponent('name:web')}`)).toEqual([]);
      expect(await names('')).toHaveLength(6);
    });

    it('refuses unknown parameters and malformed filters with 400', async () => {
      for (const query of [
        'foo=1',
        'status=broken',
        'status=',
        'type=Bad-Type',
        'environment=moon',
        'ownerTeamId=not-an-id',
        'attr.bad$key=1',
        'attr.=1',
        'tag=a&tag=b',
        'sort=size',
        'limit=0',
        'limit=501',
      ]) {
        const res = await admin.request('GET', `/api/v1/cis?${query}`);
        expect(res.statusCode, query).toBe(400);
        expect(res.json().type).toBe('urn:estate:problem:validation');
      }
    });

    it('sorts every way with keyset pages that cover every CI exactly once', async () => {
      const now = 1_800_000_000_000;
      // Equal times, so the id tie-breaker has to do the work.
      await insertCis(
        t.database.db,
        Array.from({ length: 23 }, (_, i) => ({ name: `node-${String(i % 7)}-${i}`, createdAt: now + (i % 3), updatedAt: now - (i % 4) })),
      );
      for (const sort of CI_SORTS) {
        const all = await admin.request('GET', `/api/v1/cis?limit=500&sort=${sort}`);
        const expected = (all.json().items as Ci[]).map((c) => c.id);
        expect(expected).toHaveLength(29);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await admin.request('GET', `/api/v1/cis?limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json();
          expect(body.items.length).toBeLessThanOrEqual(4);
          seen.push(...(body.items as Ci[]).map((c) => c.id));
          cursor = body.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        expect(seen, sort).toEqual(expected);
        expect(new Set(seen).size).toBe(29);
        const items = all.json().items as Ci[];
        const field = sort.replace('-', '') as 'name' | 'createdAt' | 'updatedAt';
        const sign = sort.startsWith('-') ? -1 : 1;
        for (let i = 1; i < items.length; i++) {
          const a = items[i - 1] as Ci;
          const b = items[i] as Ci;
          if (field !== 'name') {
            expect(sign * (b[field] - a[field]), sort).toBeGreaterThanOrEqual(0);
            if (a[field] === b[field]) expect(sign * (b.id > a.id ? 1 : -1), sort).toBe(1);
          }
        }
      }
      // Filtered pages too.
      const first = await admin.request('GET', '/api/v1/cis?limit=2&q=node&sort=-updatedAt');
      expect(first.json().items).toHaveLength(2);
      const second = await admin.request('GET', `/api/v1/cis?limit=500&q=node&sort=-updatedAt&cursor=${first.json().nextCursor}`);
      expect(second.json().items).toHaveLength(21);
    });

    it('refuses a malformed cursor, or one from another sort, with 400', async () => {
      const res = await admin.request('GET', '/api/v1/cis?limit=1&sort=name');
      const cursor = res.json().nextCursor as string;
      for (const query of [
        'cursor=garbage',
        `cursor=${Buffer.from('[1,2]').toString('base64url')}`,
        `cursor=${Buffer.from('["name", 5, "x"]').toString('base64url')}`,
        `sort=-updatedAt&cursor=${cursor}`,
      ]) {
        const bad = await admin.request('GET', `/api/v1/cis?${query}`);
        expect(bad.statusCode, query).toBe(400);
      }
    });

    it('exports the filtered list as CSV with flattened attribute columns, quoted and formula-safe', async () => {
      await insertCis(t.database.db, [
        { name: 'odd, "quoted"\nname', type: 'application', attributes: { version: '=1+2', nested: { a: 1 } } },
      ]);
      const res = await admin.request('GET', '/api/v1/cis/export?format=csv&type=application,virtual_machine&sort=name');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cis-\d{8}-\d{6}\.csv"$/);
      const lines = res.body.split('\r\n');
      const header = (lines[0] as string).split(',');
      expect(header.slice(0, 3)).toEqual(['id', 'type', 'name']);
      expect(header).toContain('tags');
      expect(header.filter((h) => h.startsWith('attr.'))).toEqual([
        'attr.ipAddresses',
        'attr.managed',
        'attr.nested',
        'attr.os',
        'attr.version',
      ]);
      expect(header.filter((h) => h.startsWith('cf.'))).toEqual(['cf.cost_center']);
      expect(res.body).toContain('"odd, ""quoted""\nname"');
      expect(res.body).toContain(`'=1+2`);
      expect(res.body).toContain('"{""a"":1}"');
      expect(res.body).toContain('"[""10.0.1.7""]"');
      // Header, three CIs (the line break inside a quoted cell is a bare LF), and the final CRLF.
      expect(lines).toHaveLength(1 + 3 + 1);
    });

    it('exports as a JSON array, every page of the filtered list', async () => {
      const res = await admin.request('GET', '/api/v1/cis/export?format=json&q=node&sort=createdAt');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/\.json"$/);
      const items = JSON.parse(res.body) as Ci[];
      expect(items).toHaveLength(23);
      const list = await admin.request('GET', '/api/v1/cis?limit=500&q=node&sort=createdAt');
      expect(items).toEqual(list.json().items);
      const empty = await admin.request('GET', '/api/v1/cis/export?format=json&tag=none');
      expect(JSON.parse(empty.body)).toEqual([]);
      expect((await admin.request('GET', '/api/v1/cis/export?format=xml')).statusCode).toBe(400);
      expect((await admin.request('GET', '/api/v1/cis/export?bogus=1')).statusCode).toBe(400);
    });

    it('needs inventory:read', async () => {
      expect((await t.anonymous().request('GET', '/api/v1/cis')).statusCode).toBe(401);
      expect((await t.anonymous().request('GET', '/api/v1/cis/export')).statusCode).toBe(401);
    });
  });

  describe(`list statements on ${engine.dialect}`, () => {
    it('a page of 5 and a page of 200 take the same number of SQL statements (tags inside the page query)', async () => {
      const database = await engine.create();
      // Every statement the app executes passes this plugin: its query when compiled, its result when executed.
      const compiled = new Map<object, string>();
      const statements: string[] = [];
      let recording = false;
      const counter: KyselyPlugin = {
        transformQuery(args) {
          compiled.set(args.queryId, JSON.stringify(args.node));
          return args.node;
        },
        async transformResult(args) {
          if (recording) statements.push(compiled.get(args.queryId) ?? 'raw');
          compiled.delete(args.queryId);
          return args.result;
        },
      };
      const store = { ...database, db: database.db.withPlugin(counter) };
      const config = loadConfig(
        {},
        {
          dataDir: database.dataDir,
          databaseUrl: engine.dialect === 'postgres' ? database.location : undefined,
          logLevel: 'silent',
          rateLimitPerMinute: 100_000,
          webDir: `${database.dataDir}/no-web`,
        },
      );
      const estate = await createEstate(config, store, { logger: false });
      try {
        const setupToken = await estate.auth.auth.issueSetupToken();
        const setup = await estate.http.inject({
          method: 'POST',
          url: '/api/v1/setup',
          payload: { token: setupToken, email: 'admin@example.org', name: 'Admin', password: STRONG_PASSWORD },
        });
        expect(setup.statusCode, setup.body).toBe(201);
        const cookie = `estate_session=${setup.cookies.find((c) => c.name === 'estate_session')?.value}`;
        await insertCis(
          database.db,
          Array.from({ length: 300 }, (_, i) => ({ name: `host-${i}`, tags: ['a', `t${i % 5}`], attributes: { ip: `10.1.${i % 250}.1` } })),
        );
        const countFor = async (url: string) => {
          statements.length = 0;
          recording = true;
          const res = await estate.http.inject({ method: 'GET', url, headers: { cookie } });
          recording = false;
          expect(res.statusCode, res.body).toBe(200);
          return {
            n: statements.length,
            tagQueries: statements.filter((q) => q.includes('"ci_tags"') && !q.includes('"cis"')).length,
            items: res.json().items.length as number,
            everyItemTagged: (res.json().items as Array<{ tags: string[] }>).every((ci) => ci.tags.includes('a')),
          };
        };
        await countFor('/api/v1/cis?limit=1');
        for (const filter of ['', '&q=host', '&tag=a&sort=-updatedAt', '&attr.ip=10.1.1.1', '&type=physical_server,team']) {
          const small = await countFor(`/api/v1/cis?limit=5${filter}`);
          const large = await countFor(`/api/v1/cis?limit=200${filter}`);
          expect(small.items).toBeGreaterThan(0);
          // At least the page (plus whatever authentication reads); tags come with the page, never per CI.
          expect(small.n).toBeGreaterThanOrEqual(1);
          expect(large.n, filter).toBe(small.n);
          expect(large.tagQueries, filter).toBe(0);
          expect(large.everyItemTagged, filter).toBe(true);
        }
        const page = await countFor('/api/v1/cis?limit=200');
        expect(page.items).toBe(200);
      } finally {
        await estate.close();
        await database.cleanup();
      }
    });
  });
}
