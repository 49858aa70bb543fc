import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { type ActionContext, AuditLog } from './audit-log';

const ctx: ActionContext = { actor: { type: 'user', id: 'u1', label: 'ann@example.org' }, requestId: 'r1', sourceIp: '127.0.0.1' };

for (const engine of testEngines()) {
  describe(`audit log on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let audit: AuditLog;
    beforeEach(async () => {
      database = await engine.create();
      audit = new AuditLog(database);
      for (let i = 0; i < 5; i++) {
        await audit.record(ctx, {
          action: i % 2 ? 'user.update' : 'user.create',
          targetType: 'user',
          targetId: `t${i}`,
          before: { n: i },
          after: { n: i + 1, nested: { b: 1, a: [1, 'x'] } },
        });
      }
    });
    afterEach(() => database.cleanup());

    it('chains entries and verifies them', async () => {
      expect(await audit.verify()).toEqual({ ok: true, checked: 5, brokenAt: null, problem: null, breaks: [], breakCount: 0 });
      const page = await audit.list({ limit: 2 });
      expect(page.items.map((e) => e.seq)).toEqual([5, 4]);
      const rest = await audit.list({ limit: 10, cursor: page.nextCursor as string });
      expect(rest.items.map((e) => e.seq)).toEqual([3, 2, 1]);
      expect((await audit.list({ action: 'user.' })).items).toHaveLength(5);
      expect((await audit.list({ action: 'user.update' })).items).toHaveLength(2);
    });

    it('rolls back with the transaction it was written in', async () => {
      await expect(
        database.db.transaction().execute(async (trx) => {
          await audit.append(trx, ctx, { action: 'user.create' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await audit.list({})).items).toHaveLength(5);
    });

    it('refuses UPDATE and DELETE inside the database', async () => {
      await expect(sql`update audit_events set action = 'x' where seq = 1`.execute(database.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_events where seq = 1`.execute(database.db)).rejects.toThrow(/append-only/);
    });

    it('detects an edited row and a deleted row when the triggers are bypassed', async () => {
      await dropAppendOnlyTriggers(database);
      await sql`update audit_events set after = ${JSON.stringify({ n: 99 })} where seq = 3`.execute(database.db);
      const edited = await audit.verify();
      expect(edited).toMatchObject({ ok: false, brokenAt: 3, checked: 5, breakCount: 1 });
      expect(edited.problem).toMatch(/modified/);

      await sql`delete from audit_events where seq = 3`.execute(database.db);
      const deleted = await audit.verify();
      expect(deleted).toMatchObject({ ok: false, brokenAt: 3, checked: 4, breakCount: 1 });
      expect(deleted.problem).toMatch(/missing/);
    });

    it('reports every break, so one damaged row does not hide the rows after it', async () => {
      await dropAppendOnlyTriggers(database);
      await sql`update audit_events set actor_label = 'someone else' where seq = 2`.execute(database.db);
      await sql`delete from audit_events where seq in (3, 4)`.execute(database.db);
      await audit.record(ctx, { action: 'user.create', targetId: 't5' });
      await sql`update audit_events set prev_hash = ${'f'.repeat(64)} where seq = 6`.execute(database.db);
      await audit.record(ctx, { action: 'user.create', targetId: 't6' });

      const result = await audit.verify(2);
      expect(result.breaks.map((b) => b.seq)).toEqual([2, 3, 6]);
      expect(result.breaks.map((b) => b.problem)).toEqual([
        'row 2 was modified after it was written',
        'rows 3–4 are missing',
        'row 6 does not link to the row before it',
      ]);
      expect(result).toMatchObject({ ok: false, checked: 5, brokenAt: 2, breakCount: 3 });
    });

    it('hashes what the store keeps, so lone surrogates and U+0000 in any field still verify', async () => {
      const odd = { type: 'anonymous' as const, id: 'a\u0000b', label: '\ud800@example.com' };
      const event = await audit.record(
        { actor: odd, requestId: 'r\udc00', sourceIp: null },
        {
          action: 'auth.login\ud800',
          outcome: 'failure',
          targetType: 'user',
          targetId: 'x\udfff',
          after: { '\ud800key': ['v\udbff', 'ok 😀', 'n\u0000ul'], nested: { email: '\ud800@example.com' } },
        },
      );
      expect(await audit.verify()).toMatchObject({ ok: true, checked: 6 });
      const [stored] = (await audit.list({ limit: 1 })).items;
      expect(stored).toEqual(event);
      expect(stored).toMatchObject({
        actorId: 'a\ufffdb',
        actorLabel: '\ufffd@example.com',
        action: 'auth.login\ufffd',
        targetId: 'x\ufffd',
        requestId: 'r\ufffd',
        after: { '\ufffdkey': ['v\ufffd', 'ok 😀', 'n\ufffdul'], nested: { email: '\ufffd@example.com' } },
      });
    });

    it('keeps one chain under concurrent appends', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => audit.record(ctx, { action: 'token.create', targetId: `c${i}` })));
      expect(await audit.verify()).toMatchObject({ ok: true, checked: 25 });
    });
  });
}

async function dropAppendOnlyTriggers(database: TestDatabase): Promise<void> {
  // PostgreSQL guards both with one trigger, SQLite with two.
  if (database.dialect === 'postgres') await sql`alter table audit_events disable trigger audit_events_no_update`.execute(database.db);
  else {
    await sql`drop trigger audit_events_no_update`.execute(database.db);
    await sql`drop trigger audit_events_no_delete`.execute(database.db);
  }
}
