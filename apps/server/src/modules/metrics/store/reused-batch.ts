/*
 * A multi-row statement compiled by Kysely once and run again with other rows' values. Building a 500-row insert in
 * Kysely costs more than the database takes to run it, and the metric store sends one per 500 series on an append
 * (late marks, new series) and at a checkpoint (head chunks).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** Runs batches of statements that differ only in their rows' values; one per repository (its statement is its engine's). */
export class ReusedBatch<Row> {
  private compiled: CompiledQuery | undefined;
  private reusable = true;

  constructor(
    /** The batch size whose statement is kept; a batch of another size is built as usual. */
    private readonly rows: number,
    /** Pushes a row's values onto `into`, in the order the statement binds them. */
    private readonly valuesOf: (row: Row, into: unknown[]) => void,
  ) {}

  /** Runs the statement `build` makes for `batch` in `db`, from the kept compilation when it has the batch's size. */
  // biome-ignore lint/suspicious/noExplicitAny: a statement of any repository's tables.
  execute<R>(db: Kysely<any>, batch: readonly Row[], build: (batch: readonly Row[]) => Compilable<R>): Promise<QueryResult<R>> {
    if (batch.length !== this.rows || !this.reusable) return db.executeQuery(build(batch));
    const parameters: unknown[] = [];
    for (const row of batch) this.valuesOf(row, parameters);
    if (!this.compiled) {
      const compiled = build(batch).compile();
      // Kept only if its parameters are exactly the rows' values in order: then other rows' values can take their place.
      if (compiled.parameters.length !== parameters.length || compiled.parameters.some((p, i) => p !== parameters[i])) {
        this.reusable = false;
        return db.executeQuery(compiled);
      }
      this.compiled = compiled;
    }
    return db.executeQuery<R>({ ...(this.compiled as CompiledQuery<R>), parameters });
  }
}
