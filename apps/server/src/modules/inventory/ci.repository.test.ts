import type { Ci } from '@estate/contract';
import type { KyselyPlugin } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../../platform/db/test-databases';
import { CiRepository } from './ci.repository';
import { insertCis } from './ci-list.fixtures';

describe.each(testEngines())('single CI documents on $dialect', (engine) => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of created) await database.cleanup();
  });

  it('answers concurrent reads each with its own CI, in one statement on PostgreSQL and one each on SQLite', async () => {
    const database = await engine.create();
    created.push(database);
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      async transformResult(args) {
        statements += 1;
        return args.result;
      },
    };
    const ids = await insertCis(
      database.db,
      Array.from({ length: 12 }, (_, i) => ({ name: `host-${i}`, tags: [`t${i % 3}`], attributes: { rack: i } })),
    );
    const repository = new CiRepository(database.db.withPlugin(counter), database.dialect);
    const asked = [...ids, 'no-such-ci', ids[3] as string];
    const answers = await Promise.all(asked.map((id) => repository.getDocument(id)));
    expect(statements).toBe(engine.dialect === 'postgres' ? 1 : asked.length);
    for (const [i, id] of asked.entries()) {
      const answer = answers[i];
      if (id === 'no-such-ci') {
        expect(answer).toBeUndefined();
        continue;
      }
      const ci = JSON.parse(answer?.json ?? 'null') as Ci;
      const n = ids.indexOf(id);
      expect(ci).toMatchObject({ id, name: `host-${n}`, tags: [`t${n % 3}`], attributes: { rack: n } });
      expect(answer?.version).toBe(ci.version);
    }

    // One read alone takes one statement, whatever the engine.
    statements = 0;
    expect(JSON.parse((await repository.getDocument(ids[0] as string))?.json ?? 'null')).toMatchObject({ id: ids[0] });
    expect(statements).toBe(1);
  });
});
