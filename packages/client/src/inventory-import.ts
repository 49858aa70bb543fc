import {
  type CreateImportRequest,
  type ImportAccepted,
  type ImportPreset,
  type ImportRun,
  type ImportSummary,
  InventoryRoutes as routes,
} from '@estate/contract';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** Bulk import of CIs from CSV or JSON files, run as background jobs. */
export interface InventoryImportMethods {
  /**
   * `POST /imports`: queues an import of one CI type, of relationships, or of another tool's export through a
   * `preset` (a dry run with `dryRun: true`, which changes nothing) and answers its id; poll `getImport` until its
   * status is `succeeded` or `failed`.
   */
  createImport(request: CreateImportRequest): Promise<ImportAccepted>;
  /** `GET /imports/{id}`: one import with its progress, counts, file errors and row reports. */
  getImport(id: string): Promise<ImportRun>;
  /** `GET /imports`: one page of the caller's imports, newest first, without their row reports. */
  listImports(query?: { limit?: number; cursor?: string }): Promise<PageOf<ImportSummary>>;
  /** `GET /import-presets`: the mappings of other tools' exports (NetBox, Snipe-IT, GLPI) an import may name. */
  listImportPresets(): Promise<ImportPreset[]>;
}

/** Builds the import methods over a transport. */
export function createInventoryImportMethods(transport: Transport): InventoryImportMethods {
  return {
    async createImport(request) {
      return (await transport.call(routes.createImport, { body: request })).body;
    },
    async getImport(id) {
      return (await transport.call(routes.getImport, { params: { id } })).body;
    },
    async listImports(query = {}) {
      return (await transport.call(routes.listImports, { query })).body;
    },
    async listImportPresets() {
      return (await transport.call(routes.listImportPresets)).body;
    },
  };
}
