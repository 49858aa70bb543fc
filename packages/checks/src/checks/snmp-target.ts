import { CheckConfigError } from './check-executor';
import { hostField, hostPort, optionalText, portField } from './database-connection';

/**
 * Which SNMP agent the SNMP check types (snmp-check.ts, snmp-interfaces-check.ts) ask and how they log in: the
 * configuration both share, and the credentials, either a discovery credential named by id or the check's own
 * sealed secrets (`community`, `authKey`, `privKey`).
 */

/** How an SNMP request authenticates; secrets only ever in memory. */
export type SnmpAuth =
  | { version: 'v1' | 'v2c'; community: string }
  | {
      version: 'v3';
      user: string;
      securityLevel: SnmpSecurityLevel;
      authProtocol?: SnmpAuthProtocol;
      authKey?: string;
      privProtocol?: SnmpPrivProtocol;
      privKey?: string;
    };

export type SnmpSecurityLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
export type SnmpAuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SnmpPrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

/**
 * Looks up a stored SNMP credential (discovery's) by id with its secrets unsealed, or undefined when there is none.
 * Handed to the check types by the module's wiring, so monitoring never reads discovery's tables.
 */
export type SnmpCredentialResolver = (id: string) => Promise<SnmpAuth | undefined>;

/** The secrets an SNMP check takes; stored sealed with the check. */
export const SNMP_SECRET_NAMES = ['community', 'authKey', 'privKey'] as const;

/** The agent an SNMP check asks, after validation. */
export interface SnmpTarget {
  /** Host name or address literal (IPv6 without brackets). */
  host: string;
  /** UDP port, 161 unless set. */
  port: number;
  /** A discovery credential, looked up on every run (so a changed community applies at once); or `auth`. */
  credentialId?: string;
  auth?: SnmpAuth;
  /** Milliseconds one request waits for its answer. */
  timeoutMs: number;
  /** Times an unanswered request is sent again. */
  retries: number;
}

const VERSIONS = ['v1', 'v2c', 'v3'] as const;
const LEVELS: readonly SnmpSecurityLevel[] = ['noAuthNoPriv', 'authNoPriv', 'authPriv'];
const AUTH_PROTOCOLS: readonly SnmpAuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'];
const PRIV_PROTOCOLS: readonly SnmpPrivProtocol[] = ['des', 'aes', 'aes256b', 'aes256r'];
/** Fields that describe the login; a discovery credential sets them all, so they are refused beside one. */
const LOGIN_FIELDS = ['version', 'user', 'securityLevel', 'authProtocol', 'privProtocol'] as const;

/** A whole number field from `min` to `max`, or `fallback` when absent. */
export function wholeNumber(r: Record<string, unknown>, field: string, fallback: number, min: number, max: number): number {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CheckConfigError(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(r: Record<string, unknown>, field: string, allowed: readonly T[], fallback?: T): T | undefined {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new CheckConfigError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * The v3 login from the configuration and secrets: the level is the one set, else what the secrets given imply;
 * protocols default to SHA and AES. Keys a level does not use are refused rather than ignored.
 */
function v3Auth(r: Record<string, unknown>, secrets: Readonly<Record<string, string>>): SnmpAuth {
  const user = optionalText(r, 'user');
  if (user === undefined) throw new CheckConfigError('user', 'the SNMP v3 user is required');
  if (secrets.community !== undefined) throw new CheckConfigError('secrets.community', 'is not used by SNMP v3 (it has users and keys)');
  const implied: SnmpSecurityLevel = secrets.privKey ? 'authPriv' : secrets.authKey ? 'authNoPriv' : 'noAuthNoPriv';
  const securityLevel = oneOf(r, 'securityLevel', LEVELS, implied) as SnmpSecurityLevel;
  const auth: SnmpAuth = { version: 'v3', user, securityLevel };
  if (securityLevel === 'noAuthNoPriv') {
    for (const f of ['authProtocol', 'privProtocol'] as const) {
      if (r[f] !== undefined) throw new CheckConfigError(f, 'is not used at security level noAuthNoPriv');
    }
    if (secrets.authKey !== undefined) throw new CheckConfigError('secrets.authKey', 'is not used at security level noAuthNoPriv');
  } else {
    if (!secrets.authKey) throw new CheckConfigError('secrets.authKey', `is required at security level ${securityLevel}`);
    auth.authProtocol = oneOf(r, 'authProtocol', AUTH_PROTOCOLS, 'sha');
    auth.authKey = secrets.authKey;
  }
  if (securityLevel === 'authPriv') {
    if (!secrets.privKey) throw new CheckConfigError('secrets.privKey', 'is required at security level authPriv');
    auth.privProtocol = oneOf(r, 'privProtocol', PRIV_PROTOCOLS, 'aes');
    auth.privKey = secrets.privKey;
  } else {
    if (r.privProtocol !== undefined) throw new CheckConfigError('privProtocol', `is not used at security level ${securityLevel}`);
    if (secrets.privKey !== undefined) throw new CheckConfigError('secrets.privKey', `is not used at security level ${securityLevel}`);
  }
  return auth;
}

/**
 * The agent and login of an SNMP check's raw configuration. `credentialsAvailable` says whether this process can
 * look credentials up (`credentialId` is refused when it cannot). Throws {@link CheckConfigError}.
 */
export function snmpTargetOf(
  r: Record<string, unknown>,
  secrets: Readonly<Record<string, string>>,
  credentialsAvailable: boolean,
): SnmpTarget {
  const host = hostField(r);
  const port = portField(r, 161);
  const timeoutMs = wholeNumber(r, 'timeoutMs', 2_000, 100, 60_000);
  const retries = wholeNumber(r, 'retries', 1, 0, 5);
  const credentialId = optionalText(r, 'credentialId');
  if (credentialId !== undefined) {
    if (!credentialsAvailable)
      throw new CheckConfigError('credentialId', 'SNMP credentials cannot be looked up here; give the secrets instead');
    for (const f of LOGIN_FIELDS) if (r[f] !== undefined) throw new CheckConfigError(f, 'is set by the credential named in credentialId');
    for (const name of Object.keys(secrets)) {
      throw new CheckConfigError(`secrets.${name}`, 'is not used with credentialId: the credential holds the secrets');
    }
    return { host, port, credentialId, timeoutMs, retries };
  }
  const version = oneOf(r, 'version', VERSIONS, 'v2c') as SnmpAuth['version'];
  if (version === 'v3') return { host, port, auth: v3Auth(r, secrets), timeoutMs, retries };
  for (const f of ['user', 'securityLevel', 'authProtocol', 'privProtocol'] as const) {
    if (r[f] !== undefined) throw new CheckConfigError(f, `is not used by SNMP ${version}`);
  }
  for (const name of ['authKey', 'privKey'] as const) {
    if (secrets[name] !== undefined) throw new CheckConfigError(`secrets.${name}`, `is not used by SNMP ${version}`);
  }
  if (!secrets.community) {
    throw new CheckConfigError('secrets.community', `is required for SNMP ${version}, unless credentialId names a stored credential`);
  }
  return { host, port, auth: { version, community: secrets.community }, timeoutMs, retries };
}

/** `host:port` of the agent, for people and the per-target cap. */
export function snmpTargetText(target: SnmpTarget): string {
  return hostPort(target.host, target.port);
}

/** What identifies the login in memory keys and details, without a secret: the credential id, or version and user. */
export function snmpLoginLabel(target: SnmpTarget): string {
  if (target.credentialId !== undefined) return `credential ${target.credentialId}`;
  const auth = target.auth as SnmpAuth;
  return auth.version === 'v3' ? `v3 user ${auth.user}` : auth.version;
}

/** The secrets of a login, to keep them out of every message. */
export function authSecrets(auth: SnmpAuth): string[] {
  return (auth.version === 'v3' ? [auth.authKey, auth.privKey] : [auth.community]).filter((s): s is string => !!s);
}

/** A numeric OID such as 1.3.6.1.2.1.1.3.0 (a leading dot is dropped), or a {@link CheckConfigError} on `field`. */
export function oidField(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim().replace(/^\./, '') : '';
  const arcs = text.split('.');
  if (!/^[0-2](\.(0|[1-9]\d{0,9}))+$/.test(text) || arcs.length > 128 || arcs.some((arc) => Number(arc) > 0xffff_ffff)) {
    throw new CheckConfigError(
      field,
      `must be a numeric OID such as 1.3.6.1.2.1.1.3.0${typeof value === 'string' ? `, not "${value}"` : ''}`,
    );
  }
  return text;
}
