import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentIntervals } from '@estate/contract';

/** The default state directory of an installed agent; `ESTATE_AGENT_STATE_DIR` or `--state-dir` override it. */
export const DEFAULT_STATE_DIR = '/var/lib/estate-agent';

/** The state directory to use: the explicit one, else `ESTATE_AGENT_STATE_DIR`, else the default. */
export function resolveStateDir(explicit?: string): string {
  return path.resolve(explicit ?? process.env.ESTATE_AGENT_STATE_DIR ?? DEFAULT_STATE_DIR);
}

/** What an enrolled agent remembers about itself and its server (`identity.json`; the private key is a separate file). */
export interface AgentIdentityFile {
  agentId: string;
  /** Base URL of the server, e.g. `https://estate.example.org`. */
  serverUrl: string;
  /** The server's identity key (Ed25519 SPKI PEM) pinned at enrollment; every answer must be signed by it. */
  serverKey: string;
  serverKeyFingerprint: string;
  /** The agent's own public key (SPKI PEM), as sent at enrollment. */
  publicKey: string;
  /** Intervals the server asked for at enrollment or in its last config answer. */
  intervals: AgentIntervals;
  enrolledAt: number;
}

/** A loaded identity: the file plus the key objects, ready for signing and verifying. */
export interface AgentIdentity extends AgentIdentityFile {
  privateKey: KeyObject;
  serverPublicKey: KeyObject;
}

/** A configuration problem the operator must fix (exit code 3): no identity, unsafe key permissions. */
export class AgentConfigError extends Error {
  override readonly name = 'ConfigError';
}

const IDENTITY_FILE = 'identity.json';
const PRIVATE_KEY_FILE = 'agent-key.pem';

/** Paths of the files in a state directory. */
export function statePaths(stateDir: string) {
  return {
    identity: path.join(stateDir, IDENTITY_FILE),
    privateKey: path.join(stateDir, PRIVATE_KEY_FILE),
    buffer: path.join(stateDir, 'buffer'),
    inventory: path.join(stateDir, 'inventory-acked.json'),
  };
}

/** A fresh Ed25519 key pair: the private key as PKCS#8 PEM, the public key as SPKI PEM. */
export function generateAgentKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** SHA-256 (hex) of a public key's SPKI DER, as the server shows it (`keyFingerprint`, `serverKeyFingerprint`). */
export function keyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** Writes `content` to `file` with `mode` through a temporary file and a rename, so a crash leaves old or new. */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, content, { mode });
  chmodSync(temp, mode);
  renameSync(temp, file);
}

/** Creates the state directory (mode 0700) when missing. */
export function ensureStateDir(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
}

/** True when the state directory already holds an identity. */
export function isEnrolled(stateDir: string): boolean {
  return existsSync(statePaths(stateDir).identity);
}

/** Saves a new identity: the private key (mode 0600) first, then identity.json (mode 0600). */
export function saveIdentity(stateDir: string, identity: AgentIdentityFile, privateKeyPem: string): void {
  ensureStateDir(stateDir);
  const paths = statePaths(stateDir);
  writeFileAtomic(paths.privateKey, privateKeyPem, 0o600);
  writeFileAtomic(paths.identity, `${JSON.stringify(identity, null, 2)}\n`, 0o600);
}

/** Updates the intervals remembered in identity.json (after the server changed them). */
export function saveIntervals(stateDir: string, intervals: AgentIntervals): void {
  const paths = statePaths(stateDir);
  const file = JSON.parse(readFileSync(paths.identity, 'utf8')) as AgentIdentityFile;
  writeFileAtomic(paths.identity, `${JSON.stringify({ ...file, intervals }, null, 2)}\n`, 0o600);
}

/**
 * Loads the identity of an enrolled agent. Refuses (AgentConfigError) when the agent is not enrolled, when a file
 * is unreadable or malformed, or when the private key file can be read by its group or by others.
 */
export function loadIdentity(stateDir: string): AgentIdentity {
  const paths = statePaths(stateDir);
  if (!existsSync(paths.identity))
    throw new AgentConfigError(`No agent identity in ${stateDir}: enroll first with \`estate-agent enroll --server URL --token TOKEN\`.`);
  const mode = statSync(paths.privateKey, { throwIfNoEntry: false })?.mode;
  if (mode === undefined) throw new AgentConfigError(`The private key ${paths.privateKey} is missing: enroll again.`);
  if ((mode & 0o077) !== 0)
    throw new AgentConfigError(
      `The private key ${paths.privateKey} is readable by others (mode ${(mode & 0o777).toString(8)}): run \`chmod 600 ${paths.privateKey}\`.`,
    );
  let file: AgentIdentityFile;
  try {
    file = JSON.parse(readFileSync(paths.identity, 'utf8')) as AgentIdentityFile;
  } catch (err) {
    throw new AgentConfigError(`${paths.identity} is not valid JSON: ${(err as Error).message}`);
  }
  for (const key of ['agentId', 'serverUrl', 'serverKey'] as const)
    if (typeof file[key] !== 'string' || file[key] === '') throw new AgentConfigError(`${paths.identity} has no ${key}.`);
  try {
    return {
      ...file,
      privateKey: createPrivateKey(readFileSync(paths.privateKey, 'utf8')),
      serverPublicKey: createPublicKey(file.serverKey),
    };
  } catch (err) {
    throw new AgentConfigError(`The keys in ${stateDir} cannot be read: ${(err as Error).message}`);
  }
}
