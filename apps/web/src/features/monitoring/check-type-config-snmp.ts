import { type Built, listOf, missing, num, type OptionalNumber, type TypedFields, text, withNumber } from './check-type-config-parts';

/** How an SNMP check logs in: a community (v1, v2c), a v3 user, or a stored discovery credential. */
export type SnmpLogin = 'v1' | 'v2c' | 'v3' | 'credential';

/** The SNMPv3 security levels, least secure first. */
export const SNMP_SECURITY_LEVELS = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
/** The SNMPv3 authentication protocols the server speaks (SHA when none is chosen). */
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
/** The SNMPv3 privacy protocols the server speaks (AES when none is chosen). */
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

/**
 * The agent an SNMP check asks and how it logs in, as both SNMP types' fields edit it. Blank v3 choices leave the
 * server's defaults: the security level the keys given imply, SHA, AES.
 */
export interface SnmpTargetValues {
  host: string;
  port: OptionalNumber;
  login: SnmpLogin;
  /** The discovery credential, when `login` is `credential`. */
  credentialId: string;
  user: string;
  securityLevel: '' | (typeof SNMP_SECURITY_LEVELS)[number];
  authProtocol: '' | (typeof SNMP_AUTH_PROTOCOLS)[number];
  privProtocol: '' | (typeof SNMP_PRIV_PROTOCOLS)[number];
}

/** The fields of the SNMP and SNMP interface types. */
export interface SnmpFieldValues {
  /** A GET of OIDs (one per line, each optionally followed by the name conditions call it) or a walk of a subtree. */
  snmp: SnmpTargetValues & { reads: 'get' | 'walk'; oids: string; walk: string; walkName: string; maxValues: OptionalNumber };
  /** Interface names or patterns (`Gi*`), one per line; none: every interface. */
  'snmp-interfaces': SnmpTargetValues & { interfaces: string };
}

/** The settings of the agent and login; the per-request `timeoutMs` and `retries` are kept as saved. */
const TARGET_SETTINGS = ['host', 'port', 'version', 'credentialId', 'user', 'securityLevel', 'authProtocol', 'privProtocol'];

const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): '' | T =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : '';

function blankTarget(): SnmpTargetValues {
  return { host: '', port: '', login: 'v2c', credentialId: '', user: '', securityLevel: 'authPriv', authProtocol: '', privProtocol: '' };
}

function readTarget(config: Record<string, unknown>): SnmpTargetValues {
  const version = oneOf(config.version, ['v1', 'v2c', 'v3'] as const) || 'v2c';
  return {
    host: text(config.host),
    port: num(config.port),
    login: typeof config.credentialId === 'string' ? 'credential' : version,
    credentialId: text(config.credentialId),
    user: text(config.user),
    // A v3 check saved without a level takes the one its keys imply; a new v3 login starts at the safest.
    securityLevel: config.version === 'v3' ? oneOf(config.securityLevel, SNMP_SECURITY_LEVELS) : 'authPriv',
    authProtocol: oneOf(config.authProtocol, SNMP_AUTH_PROTOCOLS),
    privProtocol: oneOf(config.privProtocol, SNMP_PRIV_PROTOCOLS),
  };
}

/** The agent and login settings; a credential sets the whole login, so no version or v3 setting goes beside it. */
function buildTarget(t: SnmpTargetValues, kept: Record<string, unknown>): Built {
  const complaint = missing(
    ['host', t.host, 'Enter the device’s host name or address'],
    ['credentialId', t.login === 'credential' ? t.credentialId : '-', 'Choose a stored credential'],
    ['user', t.login === 'v3' ? t.user : '-', 'Enter the SNMPv3 user'],
  );
  if (complaint) return complaint;
  const config = withNumber({ ...kept, host: t.host.trim() }, 'port', t.port);
  if (t.login === 'credential') return { config: { ...config, credentialId: t.credentialId } };
  if (t.login !== 'v3') return { config: { ...config, version: t.login } };
  const v3: Record<string, unknown> = { ...config, version: 'v3', user: t.user.trim() };
  if (t.securityLevel !== '') v3.securityLevel = t.securityLevel;
  if (t.securityLevel !== 'noAuthNoPriv' && t.authProtocol !== '') v3.authProtocol = t.authProtocol;
  if ((t.securityLevel === 'authPriv' || t.securityLevel === '') && t.privProtocol !== '') v3.privProtocol = t.privProtocol;
  return { config: v3 };
}

/** The secrets a login uses: the community, the v3 keys its level needs (both when implied), none with a credential. */
function targetSecrets(t: SnmpTargetValues): string[] {
  if (t.login === 'credential') return [];
  if (t.login !== 'v3') return ['community'];
  if (t.securityLevel === 'noAuthNoPriv') return [];
  return t.securityLevel === 'authNoPriv' ? ['authKey'] : ['authKey', 'privKey'];
}

/** An OID line: the OID, then optionally the name conditions call its value by. */
function objectLine(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return [text(o.oid), text(o.name)].filter((part) => part !== '').join(' ');
}

/** An OID line as the server takes it: the OID alone, or `{ oid, name }`; undefined when it has more than two words. */
function objectOf(line: string): string | { oid: string; name: string } | undefined {
  const [oid, name, ...rest] = line.split(/\s+/);
  if (rest.length > 0 || oid === undefined) return undefined;
  return name === undefined ? oid : { oid, name };
}

const OID_LINE = 'Write one OID per line, optionally followed by a name (1.3.6.1.2.1.1.3.0 uptime)';

function buildReads(s: SnmpFieldValues['snmp'], config: Record<string, unknown>): Built {
  if (s.reads === 'walk') {
    const complaint = missing(['walk', s.walk, 'Enter the OID of the subtree to walk']);
    if (complaint) return complaint;
    const walk = s.walkName.trim() === '' ? s.walk.trim() : { oid: s.walk.trim(), name: s.walkName.trim() };
    return { config: withNumber({ ...config, walk }, 'maxValues', s.maxValues) };
  }
  const objects = listOf(s.oids).map(objectOf);
  if (objects.length === 0) return { errors: { oids: 'Enter at least one OID' } };
  if (objects.some((o) => o === undefined)) return { errors: { oids: OID_LINE } };
  return { config: { ...config, oids: objects } };
}

/** How the SNMP types' fields read and make their configurations. */
export const SNMP_FIELDS: { readonly [T in keyof SnmpFieldValues]: TypedFields<SnmpFieldValues[T]> } = {
  snmp: {
    covered: [...TARGET_SETTINGS, 'oids', 'walk', 'maxValues'],
    blank: () => ({ ...blankTarget(), reads: 'get', oids: '', walk: '', walkName: '', maxValues: '' }),
    read: (config) => {
      const walk = objectLine(config.walk).split(' ');
      return {
        ...readTarget(config),
        reads: config.walk !== undefined && config.oids === undefined ? 'walk' : 'get',
        oids: Array.isArray(config.oids) ? config.oids.map(objectLine).join('\n') : '',
        walk: walk[0] ?? '',
        walkName: walk[1] ?? '',
        maxValues: num(config.maxValues),
      };
    },
    build: (values, kept) => {
      // Every blank required field is named at once, the login's and the reads' alike.
      const target = buildTarget(values, kept);
      const reads = buildReads(values, 'config' in target ? target.config : {});
      if ('errors' in target) return { errors: { ...target.errors, ...('errors' in reads ? reads.errors : {}) } };
      return reads;
    },
    fieldOf: (setting) => {
      if (setting === 'version') return 'login';
      if (setting === 'walk.name') return 'walkName';
      return undefined;
    },
    secrets: targetSecrets,
  },
  'snmp-interfaces': {
    covered: [...TARGET_SETTINGS, 'interfaces'],
    blank: () => ({ ...blankTarget(), interfaces: '' }),
    read: (config) => ({
      ...readTarget(config),
      interfaces: Array.isArray(config.interfaces) ? config.interfaces.map(String).join('\n') : '',
    }),
    build: (values, kept) => {
      const target = buildTarget(values, kept);
      if ('errors' in target) return target;
      const interfaces = listOf(values.interfaces);
      return { config: interfaces.length > 0 ? { ...target.config, interfaces } : target.config };
    },
    fieldOf: (setting) => (setting === 'version' ? 'login' : undefined),
    secrets: targetSecrets,
  },
};
