import { accessSync, constants, readFileSync } from 'node:fs';
import os from 'node:os';
import type { EnrollRequest, EnrollResponse } from '@estate/contract';
import { readMachineId } from './collectors/host.collector';
import {
  AgentConfigError,
  type AgentIdentityFile,
  ensureStateDir,
  generateAgentKeys,
  isEnrolled,
  keyFingerprint,
  saveIdentity,
} from './identity';
import { AgentRefusedError } from './run-lock';
import { parseJsonBody, sendRaw } from './transport/agent-http';
import { AGENT_PATHS } from './transport/sender';
import { AGENT_VERSION } from './version';

/** Options of `enrollAgent`. */
export interface EnrollAgentOptions {
  /** Base URL of the Estate server, e.g. `https://estate.example.org`. */
  serverUrl: string;
  /** The single-use enrollment token (`estate-enroll-…`). */
  token: string;
  stateDir: string;
  /**
   * The server key fingerprint (SHA-256 of its SPKI DER, hex) the operator expects, read from the server's UI or
   * API out of band. When given, enrollment is refused unless the server presents exactly this key.
   */
  expectServerFingerprint?: string;
  /** Replaces an existing identity in the state directory (re-enrollment); refused otherwise. */
  force?: boolean;
  /** Overrides the hostname reported (tests); default os.hostname(). */
  hostname?: string;
  timeoutMs?: number;
}

/** The result of an enrollment: what the server answered, as saved in identity.json. */
export type EnrollResult = AgentIdentityFile & { status: EnrollResponse['status'] };

function describeOs(): string | undefined {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(release)?.[1]?.slice(0, 200);
  } catch {
    return `${os.type()} ${os.release()}`.slice(0, 200);
  }
}

/**
 * Enrolls this host: generates the agent's Ed25519 key pair, sends the public half with the token, checks the
 * server's answer and pins the server key it carries, then saves the private key (mode 0600) and identity.json.
 * Throws AgentRefusedError when the server refuses the token (used, expired, unknown) or presents another key
 * than `expectServerFingerprint`, or when the state directory is already enrolled and `force` is not set; throws
 * a ConfigError for a bad server URL. Nothing is written unless enrollment succeeded.
 */
export async function enrollAgent(options: EnrollAgentOptions): Promise<EnrollResult> {
  let base: URL;
  try {
    base = new URL(options.serverUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new AgentConfigError(`--server must be an http:// or https:// URL, not ${JSON.stringify(options.serverUrl)}.`);
  }
  // Signatures cover the request path as the server sees it, so a proxy that rewrites a path prefix would break them.
  if (base.pathname !== '/' || base.search)
    throw new AgentConfigError(`--server must be the server's origin without a path (e.g. ${base.origin}).`);
  try {
    ensureStateDir(options.stateDir);
    accessSync(options.stateDir, constants.W_OK);
  } catch (err) {
    throw new AgentConfigError(`The state directory ${options.stateDir} is not writable: ${(err as Error).message}`);
  }
  if (isEnrolled(options.stateDir) && !options.force)
    throw new AgentRefusedError(`${options.stateDir} already holds an enrolled agent; pass --force to enroll again.`);

  const keys = generateAgentKeys();
  const machineId = await readMachineId();
  const osName = describeOs();
  const request: EnrollRequest = {
    token: options.token,
    publicKey: keys.publicKeyPem,
    hostname: (options.hostname ?? os.hostname()).slice(0, 253),
    version: AGENT_VERSION,
    ...(machineId ? { machineId } : {}),
    ...(osName ? { os: osName } : {}),
  };
  const body = Buffer.from(JSON.stringify(request), 'utf8');
  const answer = await sendRaw(new URL(AGENT_PATHS.enroll, base), 'POST', { 'content-type': 'application/json' }, body, options.timeoutMs);
  const parsed = parseJsonBody(answer.body) as Partial<EnrollResponse & { title: string; detail: string }> | undefined;
  if (answer.status < 200 || answer.status >= 300) {
    const reason = parsed?.detail ?? parsed?.title ?? `status ${answer.status}`;
    if (answer.status >= 400 && answer.status < 500) throw new AgentRefusedError(`The server refused the enrollment: ${reason}`);
    throw new Error(`Enrollment failed: ${reason}`);
  }
  const response = parsed as EnrollResponse | undefined;
  if (!response || typeof response.agentId !== 'string' || typeof response.serverKey !== 'string' || !response.intervals)
    throw new Error('The server answered the enrollment without an agent id, server key and intervals.');
  let fingerprint: string;
  try {
    fingerprint = keyFingerprint(response.serverKey);
  } catch {
    throw new Error('The server key in the enrollment answer is not a public key.');
  }
  if (response.serverKeyFingerprint && response.serverKeyFingerprint.toLowerCase() !== fingerprint)
    throw new AgentRefusedError('The server key does not match the fingerprint the server stated; not enrolling.');
  if (options.expectServerFingerprint && options.expectServerFingerprint.toLowerCase().replace(/:/g, '') !== fingerprint)
    throw new AgentRefusedError(
      `The server presented key ${fingerprint}, not the expected ${options.expectServerFingerprint}; not enrolling.`,
    );

  const identity: AgentIdentityFile = {
    agentId: response.agentId,
    serverUrl: base.origin,
    serverKey: response.serverKey,
    serverKeyFingerprint: fingerprint,
    publicKey: keys.publicKeyPem,
    intervals: response.intervals,
    enrolledAt: Date.now(),
  };
  saveIdentity(options.stateDir, identity, keys.privateKeyPem);
  return { ...identity, status: response.status };
}
