import type {
  CreateSnmpCredentialRequest,
  SnmpAuthProtocol,
  SnmpCredential,
  SnmpPrivProtocol,
  SnmpSecurityLevel,
  SnmpVersion,
  UpdateSnmpCredentialRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import type { SecretBox } from '../../../platform/crypto/secret-box';
import { type Dialect, readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { type FieldError, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import type { SnmpCredentialsTable } from '../discovery.tables';
import type { SnmpCredential as EngineCredential } from './engine/scan-types';
import type { ScanTables } from './scan.repository';
import { SnmpCredentialRepository, type SnmpCredentialRow } from './snmp-credential.repository';

/** What is stored in clear in `params`. */
interface CredentialParams {
  user?: string;
  securityLevel?: SnmpSecurityLevel;
  authProtocol?: SnmpAuthProtocol;
  privProtocol?: SnmpPrivProtocol;
}

/** What is sealed in `secret`. Only ever in memory in clear. */
interface CredentialSecrets {
  community?: string;
  authKey?: string;
  privKey?: string;
}

/** A credential as a request describes it, whole: parameters and secrets. */
type CredentialDraft = { name: string; snmpVersion: SnmpVersion } & CredentialParams & CredentialSecrets;

/** The associated data binding a sealed secret to its row, so it cannot be moved to another credential. */
const aad = (id: string) => `snmp_credential:${id}`;

/**
 * Checks a whole credential by the rules of its version and security level, and splits it into what is stored in
 * clear and what is sealed. Fields the version or level does not use are refused, so nothing is silently ignored.
 */
function validate(draft: CredentialDraft): { params: CredentialParams; secrets: CredentialSecrets } {
  const errors: FieldError[] = [];
  const need = (field: keyof CredentialDraft, why: string) => {
    if (draft[field] === undefined) errors.push({ path: `body/${field}`, message: `is required ${why}` });
  };
  const refuse = (field: keyof CredentialDraft, why: string) => {
    if (draft[field] !== undefined) errors.push({ path: `body/${field}`, message: `is not used ${why}` });
  };
  if (draft.snmpVersion === 'v2c') {
    need('community', 'for SNMP v2c');
    for (const f of ['user', 'securityLevel', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const) refuse(f, 'by SNMP v2c');
  } else {
    refuse('community', 'by SNMP v3 (it has users and keys)');
    need('user', 'for SNMP v3');
    need('securityLevel', 'for SNMP v3');
    const level = draft.securityLevel ?? 'noAuthNoPriv';
    if (level === 'noAuthNoPriv') {
      for (const f of ['authProtocol', 'authKey', 'privProtocol', 'privKey'] as const) refuse(f, 'at security level noAuthNoPriv');
    } else {
      need('authProtocol', `at security level ${level}`);
      need('authKey', `at security level ${level}`);
      if (level === 'authPriv') {
        need('privProtocol', 'at security level authPriv');
        need('privKey', 'at security level authPriv');
      } else {
        for (const f of ['privProtocol', 'privKey'] as const) refuse(f, 'at security level authNoPriv');
      }
    }
  }
  if (errors.length > 0) throw problems.validation('The SNMP credential is incomplete or inconsistent.', errors);
  const params: CredentialParams = {};
  const secrets: CredentialSecrets = {};
  for (const k of ['user', 'securityLevel', 'authProtocol', 'privProtocol'] as const) {
    if (draft[k] !== undefined) Object.assign(params, { [k]: draft[k] });
  }
  for (const k of ['community', 'authKey', 'privKey'] as const) if (draft[k] !== undefined) secrets[k] = draft[k];
  return { params, secrets };
}

/**
 * SNMP credentials. Community strings and v3 keys are sealed with the secret box (AES-256-GCM under the key file
 * outside the database, bound to the row id) and never leave the server: answers and audit entries carry only
 * whether each secret is configured. Updates are optimistic (If-Match); a credential a scan uses cannot be deleted.
 */
export class SnmpCredentialService {
  readonly repo: SnmpCredentialRepository;

  constructor(
    private readonly db: Kysely<ScanTables>,
    private readonly dialect: Dialect,
    private readonly audit: AuditLog,
    private readonly secretBox: SecretBox,
  ) {
    this.repo = new SnmpCredentialRepository(db);
  }

  /** Credentials in name order, keyset-paginated. */
  async list(query: { limit?: number; cursor?: string }): Promise<{ items: SnmpCredential[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1)[0]);
    const page = toPage(await this.repo.list(limit + 1, after), limit, (r) => [r.name]);
    return { items: page.items.map((r) => this.present(r)), nextCursor: page.nextCursor };
  }

  /** One credential; 404 when unknown. */
  async get(id: string): Promise<SnmpCredential> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The SNMP credential');
    return this.present(row);
  }

  /** Creates a credential; 400 when incomplete, 409 when the name is taken. Audited without its secrets. */
  async create(request: CreateSnmpCredentialRequest, ctx: ActionContext): Promise<SnmpCredential> {
    const { params, secrets } = validate(request);
    const now = Date.now();
    const id = newId(now);
    const row: SnmpCredentialsTable = {
      id,
      name: request.name,
      snmp_version: request.snmpVersion,
      params,
      secret: this.secretBox.encrypt(JSON.stringify(secrets), aad(id)),
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const credential = this.present({ ...row, used_by: 0 });
    await this.write(async (trx) => {
      await this.repo.insert(trx, row);
      await this.audit.append(trx, ctx, {
        action: 'snmp_credential.create',
        targetType: 'snmp_credential',
        targetId: id,
        after: credential,
      });
    });
    return credential;
  }

  /**
   * Changes a credential when its version is `expected` (412 otherwise). Secrets left out keep their stored value;
   * the merged credential must be complete. Audited with before and after, neither holding a secret.
   */
  async update(id: string, request: UpdateSnmpCredentialRequest, expected: number, ctx: ActionContext): Promise<SnmpCredential> {
    return this.write(async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The SNMP credential');
      if (current.version !== expected) throw problems.preconditionFailed();
      const stored = { ...this.params(current), ...this.unsealRow(current) };
      const draft: CredentialDraft = { name: current.name, snmpVersion: current.snmp_version as SnmpVersion, ...stored, ...request };
      // A change of version or level drops what the new one does not use, instead of refusing the stored leftovers.
      const { params, secrets } = validate(prune(draft, request));
      const now = Date.now();
      const next: SnmpCredentialsTable = {
        ...current,
        name: draft.name,
        snmp_version: draft.snmpVersion,
        params,
        secret: this.secretBox.encrypt(JSON.stringify(secrets), aad(id)),
        updated_at: now,
        version: current.version + 1,
      };
      if (!(await this.repo.update(trx, next, expected))) throw problems.preconditionFailed();
      const before = this.present(current);
      const after = this.present({ ...next, used_by: current.used_by });
      await this.audit.append(trx, ctx, { action: 'snmp_credential.update', targetType: 'snmp_credential', targetId: id, before, after });
      return after;
    });
  }

  /** Deletes a credential when its version is `expected`; 409 naming the scans that still use it. */
  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await this.write(async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The SNMP credential');
      if (current.version !== expected) throw problems.preconditionFailed();
      const scans = await this.repo.usedByScans(trx, id);
      if (scans.length > 0) {
        throw problems.conflict(
          `The credential is used by the scan${scans.length > 1 ? 's' : ''} ${scans.join(', ')}; remove it from them first.`,
        );
      }
      await this.repo.delete(trx, id);
      await this.audit.append(trx, ctx, {
        action: 'snmp_credential.delete',
        targetType: 'snmp_credential',
        targetId: id,
        before: this.present(current),
      });
    });
  }

  /**
   * The credentials `ids` with their secrets unsealed, in the order given, for a scan run. Only ever held in memory;
   * ids that no longer exist are skipped.
   */
  async unseal(ids: string[]): Promise<EngineCredential[]> {
    const rows = new Map((await this.repo.sealed(ids)).map((r) => [r.id, r]));
    const out: EngineCredential[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      if (!row) continue;
      const secrets = this.unsealRow(row);
      const params = this.params(row);
      if (row.snmp_version === 'v2c') out.push({ id, name: row.name, version: 'v2c', community: secrets.community ?? '' });
      else
        out.push({
          id,
          name: row.name,
          version: 'v3',
          user: params.user ?? '',
          securityLevel: params.securityLevel ?? 'noAuthNoPriv',
          ...(params.authProtocol ? { authProtocol: params.authProtocol } : {}),
          ...(secrets.authKey ? { authKey: secrets.authKey } : {}),
          ...(params.privProtocol ? { privProtocol: params.privProtocol } : {}),
          ...(secrets.privKey ? { privKey: secrets.privKey } : {}),
        });
    }
    return out;
  }

  private params(row: SnmpCredentialsTable): CredentialParams {
    return readJson<CredentialParams>(row.params, this.dialect) ?? {};
  }

  private unsealRow(row: SnmpCredentialsTable): CredentialSecrets {
    return JSON.parse(this.secretBox.decrypt(row.secret, aad(row.id))) as CredentialSecrets;
  }

  /** The API view: parameters, and for secrets only whether they are set (read from params, never unsealed). */
  private present(row: SnmpCredentialRow): SnmpCredential {
    const params = this.params(row);
    const v3 = row.snmp_version === 'v3';
    const level = params.securityLevel ?? null;
    return {
      id: row.id,
      name: row.name,
      snmpVersion: row.snmp_version as SnmpVersion,
      user: params.user ?? null,
      securityLevel: level,
      authProtocol: params.authProtocol ?? null,
      privProtocol: params.privProtocol ?? null,
      configured: {
        community: !v3,
        authKey: v3 && level !== null && level !== 'noAuthNoPriv',
        privKey: v3 && level === 'authPriv',
      },
      usedBy: row.used_by,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      version: row.version,
    };
  }

  private write<T>(work: (trx: Kysely<ScanTables>) => Promise<T>): Promise<T> {
    return withTransaction(this.db, work, { conflict: 'An SNMP credential with this name already exists.' });
  }
}

/** Drops stored values the request's new version or level no longer uses; values the request sends stay. */
function prune(draft: CredentialDraft, request: UpdateSnmpCredentialRequest): CredentialDraft {
  const out: CredentialDraft = { ...draft };
  const drop = (fields: Array<keyof CredentialDraft>) => {
    for (const f of fields) if (request[f as keyof UpdateSnmpCredentialRequest] === undefined) delete out[f];
  };
  if (out.snmpVersion === 'v2c') drop(['user', 'securityLevel', 'authProtocol', 'authKey', 'privProtocol', 'privKey']);
  else {
    drop(['community']);
    if (out.securityLevel === 'noAuthNoPriv') drop(['authProtocol', 'authKey', 'privProtocol', 'privKey']);
    if (out.securityLevel === 'authNoPriv') drop(['privProtocol', 'privKey']);
  }
  return out;
}
