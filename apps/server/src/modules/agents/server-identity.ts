import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../platform/crypto/secret-box';
import { newId } from '../../platform/ids';
import type { AgentTables } from './agents.tables';

/** The `server_keys.purpose` of the key that signs answers to agents and that agents pin at enrollment. */
export const AGENT_IDENTITY_PURPOSE = 'agent-identity';

/** SHA-256 (hex) of a public key's SPKI DER: how agents and administrators compare keys. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The server's Ed25519 identity as loaded: its public half (PEM, fingerprint) and a signer for its private half. */
export interface ServerIdentityKey {
  publicKeyPem: string;
  fingerprint: string;
  /** Ed25519 signature of `payload` (UTF-8), base64url. */
  sign(payload: string): string;
}

/**
 * The server's identity key for agents. It is created on first use and stored in `server_keys` with the private
 * half sealed by the SecretBox, whose key file lives outside the database: a database dump alone cannot forge the
 * server's answers. Several processes starting at once on PostgreSQL each try an insert-if-absent on the unique
 * purpose and then read back the one row that won, so they all end up with the same key.
 */
export class ServerIdentity {
  private loaded: Promise<ServerIdentityKey> | undefined;

  constructor(
    private readonly db: Kysely<AgentTables>,
    private readonly secretBox: SecretBox,
  ) {}

  /** The identity key, created when absent; loaded once per process. A failed load is retried on the next call. */
  get(): Promise<ServerIdentityKey> {
    this.loaded ??= this.load().catch((error) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async load(): Promise<ServerIdentityKey> {
    let row = await this.read();
    if (!row) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const id = newId();
      await this.db
        .insertInto('server_keys')
        .values({
          id,
          purpose: AGENT_IDENTITY_PURPOSE,
          public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          private_key: this.secretBox.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), sealedFor(id)),
          created_at: Date.now(),
        })
        .onConflict((oc) => oc.column('purpose').doNothing())
        .execute();
      row = await this.read();
      if (!row) throw new Error('The server identity key could not be stored.');
    }
    const privateKey = createPrivateKey(this.secretBox.decrypt(row.private_key, sealedFor(row.id)));
    const publicKey = createPublicKey(row.public_key);
    return {
      publicKeyPem: row.public_key,
      fingerprint: keyFingerprint(publicKey),
      sign: (payload) => sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64url'),
    };
  }

  private read() {
    return this.db.selectFrom('server_keys').selectAll().where('purpose', '=', AGENT_IDENTITY_PURPOSE).executeTakeFirst();
  }
}

/** The associated data binding a sealed private key to its row, so it cannot be swapped into another. */
function sealedFor(id: string): string {
  return `server_keys:${id}:${AGENT_IDENTITY_PURPOSE}`;
}
