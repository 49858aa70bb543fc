/** Row shapes of the inventory tables (migration 0002). Times are epoch ms; JSON columns are jsonb/text. */
export interface CisTable {
  id: string;
  type: string;
  name: string;
  status: string;
  environment: string | null;
  criticality: string | null;
  owner_team_id: string | null;
  location_id: string | null;
  serial: string | null;
  asset_tag: string | null;
  manufacturer: string | null;
  model: string | null;
  purchase_date: string | null;
  warranty_end: string | null;
  end_of_life: string | null;
  monthly_cost: number | null;
  attributes: unknown;
  custom_fields: unknown;
  provenance: unknown;
  /** Lower-cased text of every searchable value, kept in step with the row by the service. */
  search_text: string;
  first_seen: number | null;
  last_seen: number | null;
  created_at: number;
  updated_at: number;
  version: number;
  /**
   * Comparison keys of the serial and asset tag (migration 0018, see ci-identifiers.ts): `<family>:<SERIAL>` with the
   * normalised manufacturer beside it, and `<family>:<TAG>`. Null when the CI does not hold the value (none, a
   * placeholder, or a duplicate left un-indexed). Written by the CI repository only.
   */
  serial_key?: string | null;
  serial_maker?: string | null;
  asset_tag_key?: string | null;
}

export interface CiTagsTable {
  ci_id: string;
  tag: string;
}

export interface RelationshipsTable {
  id: string;
  type: string;
  source_id: string;
  target_id: string;
  source: string;
  created_at: number;
}

export interface CiHistoryTable {
  id: string;
  ci_id: string;
  at: number;
  kind: string;
  source: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  changes: unknown;
}

export interface CustomFieldsTable {
  id: string;
  ci_type: string;
  key: string;
  label: string;
  kind: string;
  required: number;
  options: unknown;
  reference_type: string | null;
  created_at: number;
}

export interface SavedViewsTable {
  id: string;
  user_id: string;
  resource: string;
  name: string;
  query: unknown;
  created_at: number;
}

/** The tables the inventory module owns. */
export interface InventoryTables {
  cis: CisTable;
  ci_tags: CiTagsTable;
  relationships: RelationshipsTable;
  ci_history: CiHistoryTable;
  custom_fields: CustomFieldsTable;
  saved_views: SavedViewsTable;
}
