import type { CheckSuggestion, CreateCheckRequest, SuggestionInput } from '@estate/contract';
import type { ObservedService, ObservedServices } from '../../discovery';

/** A check already bound to the CI, as coverage sees it. */
export interface BoundCheck {
  type: string;
  config: Record<string, unknown>;
}

/** The CI the suggestions are for. */
export interface SuggestedFor {
  id: string;
  name: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { tls: 443, postgres: 5432, mysql: 3306, redis: 6379 };
const DB_PORTS: Readonly<Record<number, 'postgres' | 'mysql' | 'redis'>> = { 5432: 'postgres', 3306: 'mysql', 6379: 'redis' };
const password: SuggestionInput = { path: 'secrets.password', label: 'Password', secret: true, required: false };

/**
 * What a check covers, as a key suggestions share: `<type>:<port>` for the types that reach a port (HTTP and HTTPS
 * both as `http`), `icmp` for ping. Checks of other types cover nothing here.
 */
export function coverageKey(check: BoundCheck): string | undefined {
  const { type, config } = check;
  if (type === 'icmp' || type === 'snmp-interfaces') return type;
  if (type === 'http' && typeof config.url === 'string') {
    try {
      const url = new URL(config.url);
      return `http:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
    } catch {
      return undefined;
    }
  }
  const port = typeof config.port === 'number' ? config.port : DEFAULT_PORTS[type];
  return port === undefined ? undefined : `${type}:${port}`;
}

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * The checks discovery's findings suggest for a CI: open 443 (or a port that spoke TLS) → HTTPS and the TLS
 * certificate; 80 (or a port that spoke HTTP) → HTTP; 22 (or an SSH greeting) → TCP; 5432, 3306, 6379 → PostgreSQL,
 * MySQL, Redis; a host that answered ping or SNMP → ping; an SNMP device with its scan's credential → its interfaces
 * (up, errors, utilisation). Only types in `types`, only what no check bound to the CI
 * covers yet (by `coverageKey`), each once, in the order of the ports.
 */
export function suggestChecks(
  ci: SuggestedFor,
  observed: ObservedServices,
  bound: readonly BoundCheck[],
  types: ReadonlySet<string>,
): CheckSuggestion[] {
  const covered = new Set(bound.map(coverageKey).filter((k): k is string => k !== undefined));
  const out = new Map<string, CheckSuggestion>();
  const add = (key: string, reason: string, request: Omit<CreateCheckRequest, 'ciIds'>, inputs: SuggestionInput[] = []) => {
    if (covered.has(key) || out.has(key) || !types.has(request.type)) return;
    out.set(key, { key, reason, request: { ...request, ciIds: [ci.id] }, inputs });
  };
  const services = [...observed.services].sort((a, b) => a.port - b.port);
  for (const service of services) suggestFor(ci, service, add);
  if (observed.reachable) {
    const { address, seenBy, snmp, snmpCredentialId } = observed.reachable;
    const reason = `${snmp ? 'answered SNMP' : 'answered ping'} at ${address} (${seenBy})`;
    add('icmp', reason, { name: `${ci.name} ping`, type: 'icmp', config: { host: address } });
    if (snmpCredentialId) {
      add('snmp-interfaces', `${reason}, with its credential`, {
        name: `${ci.name} interfaces`,
        type: 'snmp-interfaces',
        config: { host: address, credentialId: snmpCredentialId },
      });
    }
  }
  return [...out.values()];
}

type Add = (key: string, reason: string, request: Omit<CreateCheckRequest, 'ciIds'>, inputs?: SuggestionInput[]) => void;

function suggestFor(ci: SuggestedFor, s: ObservedService, add: Add): void {
  const seen = `port ${s.port} open at ${s.address} (${s.seenBy})`;
  const webHost = s.hostname ?? s.address;
  const tls = s.tls === true || s.port === 443;
  if (tls) {
    const serverName = s.tlsNames?.find((n) => !n.startsWith('*') && n !== s.address);
    const suffix = s.port === 443 ? '' : `:${s.port}`;
    const port = s.port === 443 ? '' : ` ${s.port}`;
    if (s.port === 443 || s.http) {
      add(`http:${s.port}`, `${seen}, speaks TLS`, {
        name: `${ci.name} HTTPS${port}`,
        type: 'http',
        config: { url: `https://${hostPart(webHost)}${suffix}/` },
      });
    }
    add(`tls:${s.port}`, `${seen}, speaks TLS`, {
      name: `${ci.name} TLS certificate${port}`,
      type: 'tls',
      config: { host: s.address, port: s.port, ...(serverName ? { serverName } : {}) },
    });
    return;
  }
  if (s.port === 80 || s.http) {
    const suffix = s.port === 80 ? '' : `:${s.port}`;
    add(`http:${s.port}`, `${seen}, speaks HTTP`, {
      name: `${ci.name} HTTP${s.port === 80 ? '' : ` ${s.port}`}`,
      type: 'http',
      config: { url: `http://${hostPart(webHost)}${suffix}/` },
    });
    return;
  }
  const db = DB_PORTS[s.port];
  if (db === 'postgres') {
    add(
      `postgres:${s.port}`,
      seen,
      {
        name: `${ci.name} PostgreSQL`,
        type: 'postgres',
        config: { host: s.address, port: s.port, database: 'postgres', user: 'postgres' },
      },
      [
        { path: 'config.user', label: 'User', value: 'postgres', secret: false, required: true },
        { path: 'config.database', label: 'Database', value: 'postgres', secret: false, required: true },
        password,
      ],
    );
  } else if (db === 'mysql') {
    add(`mysql:${s.port}`, seen, { name: `${ci.name} MySQL`, type: 'mysql', config: { host: s.address, port: s.port, user: 'root' } }, [
      { path: 'config.user', label: 'User', value: 'root', secret: false, required: true },
      password,
    ]);
  } else if (db === 'redis') {
    add(`redis:${s.port}`, seen, { name: `${ci.name} Redis`, type: 'redis', config: { host: s.address, port: s.port } });
  } else if (s.port === 22 || s.ssh) {
    add(`tcp:${s.port}`, `${seen}${s.ssh ? ', greets as SSH' : ''}`, {
      name: `${ci.name} SSH (TCP ${s.port})`,
      type: 'tcp',
      config: { host: s.address, port: s.port },
    });
  }
}
