import type { InterfaceKind, SnmpFailureReason } from '@estate/contract';

/**
 * The seam between the network scan engine (ICMP, TCP, DNS, banners, SNMP: `scan/`) and the discovery service that
 * runs scans as jobs and turns what they find into CIs. The engine does no database work; the service does no
 * network work.
 */

/** What to scan and how. Addresses come from `expandTargets`, already checked against the scan policy. */
export interface ScanRequest {
  /** IPv4 and IPv6 addresses, each scanned once. */
  addresses: string[];
  /** TCP ports to probe on every live host. */
  ports: number[];
  /** Most probes in flight at once, and most new probes started per second. */
  concurrency: number;
  ratePerSecond: number;
  /** Per-probe timeout in milliseconds. */
  timeoutMs: number;
  /** Look up PTR records of live hosts. */
  reverseDns: boolean;
  /** Read service hints from open ports: SSH banner, HTTP title, TLS certificate subject. */
  serviceHints: boolean;
  /** SNMP credentials to try, in order, on live hosts (the first that answers wins). */
  snmp: SnmpCredential[];
  /** UDP port SNMP is asked on (161 unless a test or an unusual device says otherwise). */
  snmpPort: number;
  /** Treat a host as live when a TCP port answers even if it ignores ICMP. */
  tcpLiveness: boolean;
}

/** An SNMP credential with its secret unsealed, only ever in memory; `name` is what notes call it. */
export type SnmpCredential =
  | { id: string; name?: string; version: 'v2c'; community: string }
  | {
      id: string;
      name?: string;
      version: 'v3';
      user: string;
      securityLevel: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
      authProtocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
      authKey?: string;
      privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
      privKey?: string;
    };

/** A credential that got nothing from a host, and why. */
export interface SnmpFailure {
  credentialId: string;
  reason: SnmpFailureReason;
}

/** What SNMP told about a device. */
export interface SnmpFacts {
  credentialId: string;
  sysName?: string;
  sysDescr?: string;
  sysObjectId?: string;
  sysLocation?: string;
  sysContact?: string;
  sysUpTimeSeconds?: number;
  /** The OSI layers the device offers services at, as the sum of 2^(layer-1): 2 bridging, 4 routing, 72 a host. */
  sysServices?: number;
  /** Whether it implements the Printer-MIB. */
  printerMib?: boolean;
  /** From ifTable and ifXTable, with each interface's addresses from the IP-MIB. */
  interfaces: Array<{
    index: number;
    name: string;
    description?: string;
    mac?: string;
    speedMbps?: number;
    adminUp?: boolean;
    operUp?: boolean;
    /** What ifType says the interface is. */
    kind?: InterfaceKind;
    addresses?: string[];
  }>;
  /** From ipAddrTable / ipAddressTable. */
  addresses: string[];
  /** From the LLDP-MIB remote table: who is on the other end of each local port. */
  neighbours: Array<{ localPort: string; chassisId?: string; portId?: string; sysName?: string; managementAddress?: string }>;
}

/** Everything the engine learnt about one live address. Dead addresses are not reported. */
export interface HostFinding {
  address: string;
  /** How the host showed it was alive. */
  alive: 'icmp' | 'tcp';
  rttMs?: number;
  openPorts: number[];
  hostname?: string;
  /** Keyed by port: `ssh` (banner line), `http` (page title, server header), `tls` (certificate subject CN / SANs). */
  services: Record<number, { ssh?: string; httpTitle?: string; httpServer?: string; tlsSubject?: string; tlsSans?: string[] }>;
  snmp?: SnmpFacts;
  /** Each credential that got nothing from the host, and why (tried in order: these came before any that answered). */
  snmpFailures?: SnmpFailure[];
  /** Non-fatal problems (a wrong SNMP community is "no answer", not an error of the scan). */
  notes: string[];
}

/** Progress as the engine goes: addresses finished out of the total. */
export type ScanProgress = (done: number, total: number) => void;

/** The scan engine: reports each live host as soon as it is done; resolves when every address is finished. */
export interface ScanEngine {
  scan(
    request: ScanRequest,
    onHost: (finding: HostFinding) => Promise<void>,
    onProgress?: ScanProgress,
    signal?: AbortSignal,
  ): Promise<void>;
}
