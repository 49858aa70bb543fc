import pg from 'pg';

/** How many named statements one connection keeps; the least recently used is deallocated past this. */
export const PREPARED_PER_CONNECTION = 256;

/** The SQL texts whose plans are kept (see {@link reusePlan}); fixed by the code, so small. */
const REUSED = new Set<string>();

/**
 * Marks a compiled SQL text as one whose plan PostgreSQL should keep on each connection, and returns it. Only for
 * statements whose best plan does not depend on their parameters (a lookup by a unique key): after five runs
 * PostgreSQL may switch a named statement to a generic plan, which for a recursive walk or a skewed filter can be
 * orders of magnitude slower (measured: impact analysis went from about 0.2 s to 11 s when every statement was named).
 */
export function reusePlan(sqlText: string): string {
  REUSED.add(sqlText);
  return sqlText;
}

/**
 * The errors that say a connection's named statement is no longer usable: its result shape changed under it
 * (`cached plan must not change result type`, after another process altered a table) or it is gone (a pooler reset
 * the session). Either way the statement is forgotten and, outside a transaction, the query runs again once.
 */
function staleStatement(err: unknown): boolean {
  const e = err as { code?: string; routine?: string };
  return (e.code === '0A000' && e.routine === 'RevalidateCachedQuery') || e.code === '26000';
}

interface Named {
  name: string;
}

/** What pg's connection keeps of the statements it has parsed (not in its public types). */
interface ParsedStatements {
  parsedStatements?: Record<string, string>;
}

/**
 * A pg client that runs the statements marked with {@link reusePlan} as named prepared statements, so PostgreSQL
 * parses and plans them once per connection instead of on every execution (three to four times less server CPU
 * for the hot lookups; see ADR 0012). Per connection it keeps at most {@link PREPARED_PER_CONNECTION}, least
 * recently used out first with a DEALLOCATE; names are never reused, so a statement queued behind an eviction
 * still finds its own. A statement invalidated by a schema change elsewhere is forgotten and, when no transaction
 * is open, retried once.
 */
export class PreparingClient extends pg.Client {
  private readonly statements = new Map<string, Named>();
  private readonly capacity: number;
  private sequence = 0;
  private inTransaction = false;

  /** The pool hands every client its own options; `preparedStatements` caps the named statements (tests set it low). */
  constructor(config?: pg.ClientConfig & { preparedStatements?: number }) {
    super(config);
    this.capacity = config?.preparedStatements ?? PREPARED_PER_CONNECTION;
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; this forwards all of them unchanged.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string') return super.query(config, values, callback);
    this.trackTransaction(config);
    if (!REUSED.has(config) || !Array.isArray(values)) return super.query(config, values, callback);
    const result = this.named(config, values);
    if (typeof callback !== 'function') return result;
    // pg-pool's own `pool.query` passes a callback.
    result.then(
      (res) => callback(null, res),
      (err) => callback(err),
    );
    return undefined;
  }

  private named(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const statement = this.statementFor(text);
    const inTransaction = this.inTransaction;
    return new Promise<pg.QueryResult>((resolve, reject) => {
      // A Query built from the text and named afterwards: pg copies every property of a config object through its
      // descriptors, which costs more than the rest of sending a prepared statement.
      const query = new pg.Query(text, values, (err: Error | undefined, res: pg.QueryResult) => (err ? reject(err) : resolve(res)));
      (query as unknown as Named).name = statement.name;
      super.query(query);
    }).catch((err: unknown) => {
      if (!staleStatement(err)) throw err;
      this.forget(text, statement);
      if (inTransaction) throw err;
      return super.query(text, values) as Promise<pg.QueryResult>;
    });
  }

  private statementFor(text: string): Named {
    const known = this.statements.get(text);
    if (known) {
      this.statements.delete(text);
      this.statements.set(text, known);
      return known;
    }
    this.sequence += 1;
    const statement = { name: `estate_${this.sequence.toString(36)}` };
    this.statements.set(text, statement);
    if (this.statements.size > this.capacity) {
      const [oldestText, oldest] = this.statements.entries().next().value as [string, Named];
      this.forget(oldestText, oldest);
    }
    return statement;
  }

  /** Drops a statement here and on the server; pg's own record of it goes once the server has let it go. */
  private forget(text: string, statement: Named): void {
    if (this.statements.get(text) === statement) this.statements.delete(text);
    super.query(`deallocate "${statement.name}"`).then(
      () => this.unrecord(statement.name),
      // A statement that never parsed (or a closed connection) has nothing to deallocate.
      () => this.unrecord(statement.name),
    );
  }

  private unrecord(name: string): void {
    const connection = (this as unknown as { connection?: ParsedStatements }).connection;
    if (connection?.parsedStatements) delete connection.parsedStatements[name];
  }

  /** Kysely opens and closes transactions with these plain statements; savepoints keep the transaction open. */
  private trackTransaction(text: string): void {
    const head = text.trimStart().slice(0, 20).toLowerCase();
    if (head.startsWith('begin') || head.startsWith('start transaction')) this.inTransaction = true;
    else if (head.startsWith('commit') || (head.startsWith('rollback') && !head.startsWith('rollback to'))) this.inTransaction = false;
  }
}
