/**
 * Loads the server's admin entry on first use. Commands import it lazily so `estate --help` and argument errors
 * answer without loading the whole server (schemas, database drivers).
 */
export function loadServer(): Promise<typeof import('@estate/server')> {
  return import('@estate/server');
}
