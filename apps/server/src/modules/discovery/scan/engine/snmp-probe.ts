/**
 * SNMP probe (v2c and v3, net-snmp): tries the scan's credentials in order with a GET of the system group; the first
 * that answers reads the interface, address and LLDP tables. A credential that gets nothing (a wrong community is a
 * timeout, a wrong v3 user or key a report) is a failure with its reason and a note naming the credential, never an
 * error of the scan. Secrets never appear in notes.
 */
import { isIPv6 } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpCredential, SnmpFacts, SnmpFailure } from './scan-types';
import { snmpFailureOf } from './snmp-failure';
import {
  implementsPrinterMib,
  OID,
  parseAddresses,
  parseInterfaceAddresses,
  parseInterfaces,
  parseNeighbours,
  parseSystem,
  type SnmpVarbind,
  SYSTEM_OIDS,
} from './snmp-tables';

/** Options of one host's SNMP probe. */
export interface SnmpProbeOptions {
  port: number;
  /** Per request, in milliseconds; each request is retried once. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What SNMP gave for one host: facts from the first credential that answered; failures and notes of those that did not. */
export interface SnmpProbeResult {
  facts?: SnmpFacts;
  failures: SnmpFailure[];
  notes: string[];
}

/** Most varbinds read from one table walk; past it the table is cut short with a note. */
const MAX_TABLE_VARBINDS = 20_000;

/** How notes name a credential: by its name (its id when it has none), version and security level. */
function describe(credential: SnmpCredential): string {
  const name = credential.name ? `"${credential.name}"` : credential.id;
  return credential.version === 'v2c' ? `credential ${name} (v2c)` : `credential ${name} (v3 ${credential.securityLevel})`;
}

/** The note of a failed credential: what happened and, for a v2c timeout, that a wrong community looks the same. */
function failureNote(credential: SnmpCredential, port: number, text: string, reason: SnmpFailure['reason']): string {
  const community =
    reason === 'no-answer' && credential.version === 'v2c'
      ? ' — no SNMP agent, a filter, or a wrong community, which agents do not answer either'
      : '';
  return `SNMP ${describe(credential)} on udp/${port}: ${text}${community}.`;
}

function openSession(address: string, credential: SnmpCredential, options: SnmpProbeOptions): snmp.Session {
  const common = { port: options.port, timeout: options.timeoutMs, retries: 1, transport: isIPv6(address) ? 'udp6' : 'udp4' } as const;
  if (credential.version === 'v2c') {
    return snmp.createSession(address, credential.community, { ...common, version: snmp.Version2c });
  }
  const user: snmp.User = { name: credential.user, level: snmp.SecurityLevel[credential.securityLevel] };
  if (credential.securityLevel !== 'noAuthNoPriv') {
    user.authProtocol = snmp.AuthProtocols[credential.authProtocol ?? 'sha'];
    user.authKey = credential.authKey ?? '';
  }
  if (credential.securityLevel === 'authPriv') {
    user.privProtocol = snmp.PrivProtocols[credential.privProtocol ?? 'aes'];
    user.privKey = credential.privKey ?? '';
  }
  return snmp.createV3Session(address, user, { ...common, version: snmp.Version3 });
}

function get(session: snmp.Session, oids: string[]): Promise<SnmpVarbind[]> {
  return new Promise((resolve, reject) => {
    session.get(oids, (error, varbinds) => {
      if (error) reject(error);
      else resolve((varbinds ?? []).filter((vb) => !snmp.isVarbindError(vb)));
    });
  });
}

/** A GETNEXT whose failure (an agent that refuses it, a timeout) answers no varbinds: what it asks is optional. */
function getNextOptional(session: snmp.Session, oids: string[]): Promise<SnmpVarbind[]> {
  return new Promise((resolve) => {
    session.getNext(oids, (error, varbinds) => {
      resolve(error ? [] : (varbinds ?? []).filter((vb) => !snmp.isVarbindError(vb)));
    });
  });
}

function walk(session: snmp.Session, oid: string, notes: string[]): Promise<SnmpVarbind[]> {
  return new Promise((resolve) => {
    const out: SnmpVarbind[] = [];
    session.subtree(
      oid,
      20,
      (varbinds) => {
        for (const vb of varbinds) if (!snmp.isVarbindError(vb)) out.push(vb);
        if (out.length >= MAX_TABLE_VARBINDS) {
          notes.push(`SNMP table ${oid} cut short at ${MAX_TABLE_VARBINDS} values.`);
          return true;
        }
      },
      (error) => {
        // A device without the table answers past it (an empty walk); one that fails mid-walk keeps what it gave.
        if (error) notes.push(`SNMP table ${oid} not read completely: ${errorText(error)}.`);
        resolve(out);
      },
    );
  });
}

function errorText(error: unknown): string {
  if (error instanceof Error && error.name === 'RequestTimedOutError') return 'no answer (timeout)';
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}

async function readFacts(session: snmp.Session, credentialId: string, notes: string[]): Promise<SnmpFacts> {
  const system = parseSystem(await get(session, SYSTEM_OIDS));
  const printerMib = implementsPrinterMib(await getNextOptional(session, [OID.printerMib]));
  const ifTable = await walk(session, OID.ifEntry, notes);
  const ifXTable = await walk(session, OID.ifXEntry, notes);
  const ipAddrTable = await walk(session, OID.ipAddrEntry, notes);
  const ipAddressTable = await walk(session, OID.ipAddressEntry, notes);
  const interfaces = parseInterfaces(ifTable, ifXTable);
  const byInterface = parseInterfaceAddresses(ipAddrTable, ipAddressTable);
  for (const i of interfaces) {
    const addresses = byInterface.get(i.index);
    if (addresses && addresses.length > 0) i.addresses = addresses;
  }
  const lldpRem = await walk(session, OID.lldpRemEntry, notes);
  // Local port names and management addresses only matter when there are neighbours.
  const lldpLoc = lldpRem.length > 0 ? await walk(session, OID.lldpLocPortEntry, notes) : [];
  const lldpMan = lldpRem.length > 0 ? await walk(session, OID.lldpRemManAddrEntry, notes) : [];
  return {
    credentialId,
    ...system,
    ...(printerMib ? { printerMib } : {}),
    interfaces,
    addresses: parseAddresses(ipAddrTable, ipAddressTable),
    neighbours: parseNeighbours(lldpLoc, lldpRem, lldpMan, interfaces),
  };
}

/**
 * Asks `address` with each credential in turn until one answers the system group, then reads the tables with it.
 * Resolves without facts (and with a note per credential) when none answers. Never rejects; an abort closes the
 * session and ends the probe.
 */
export async function probeSnmp(address: string, credentials: SnmpCredential[], options: SnmpProbeOptions): Promise<SnmpProbeResult> {
  const notes: string[] = [];
  const failures: SnmpFailure[] = [];
  for (const credential of credentials) {
    if (options.signal?.aborted) break;
    let session: snmp.Session;
    try {
      session = openSession(address, credential, options);
    } catch (err) {
      failures.push({ credentialId: credential.id, reason: 'unsupported' });
      notes.push(`SNMP ${describe(credential)} could not be used: ${errorText(err)}.`);
      continue;
    }
    session.on('error', () => undefined);
    let stop: (reason: unknown) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      stop = reject;
    });
    aborted.catch(() => undefined);
    const onAbort = () => {
      session.close();
      stop(options.signal!.reason);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const tableNotes: string[] = [];
      const facts = await Promise.race([readFacts(session, credential.id, tableNotes), aborted]);
      return { facts, failures, notes: [...notes, ...tableNotes] };
    } catch (err) {
      if (options.signal?.aborted) break;
      const { reason, text } = snmpFailureOf(err);
      failures.push({ credentialId: credential.id, reason });
      notes.push(failureNote(credential, options.port, text, reason));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      try {
        session.close();
      } catch {
        // Already closed (by an abort): nothing left to release.
      }
    }
  }
  return { failures, notes };
}
