/** Row shapes the status module reads and writes (migration 0035), plus the columns it reads of CIs and checks. */

export interface StatusPagesTable {
  id: string;
  title: string;
  slug: string;
  description: string;
  /** 1: readable signed out. */
  public: number;
  /** `StoredComponent[]` as JSON. */
  components: unknown;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** The tables of this module and the columns it names of others (CIs and checks, read only). */
export interface StatusTables {
  status_pages: StatusPagesTable;
  cis: { id: string; name: string; type: string };
  checks: { id: string; name: string };
}
