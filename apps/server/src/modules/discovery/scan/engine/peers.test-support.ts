/**
 * Real network peers for the `peers` test tier and the scan benchmark: Debian `snmpd` with its own configuration,
 * network namespaces joined to this one by veth pairs, and stand-in services (fixtures/peer-listeners.mjs) inside
 * them, and `lldpd` for LLDP neighbours. Everything started here is stopped by the `cleanup` it returns, which never
 * throws, so an `afterAll` can call it after a failed set-up too. Needs root, `ip` (iproute2), for SNMP `snmpd`, and
 * for LLDP `lldpd` (with its `lldpcli`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tierRequired } from '../../../../platform/db/test-databases';

/** The listener script run inside namespaces. */
export const PEER_LISTENERS = path.join(import.meta.dirname, 'fixtures', 'peer-listeners.mjs');

const TOOLS: Record<string, string> = {
  ip: '/usr/sbin/ip',
  snmpd: '/usr/sbin/snmpd',
  fping: '/usr/bin/fping',
  openssl: '/usr/bin/openssl',
  lldpd: '/usr/sbin/lldpd',
  lldpcli: '/usr/sbin/lldpcli',
};

/**
 * Whether the peers tier runs: when this process is root and every tool named is installed. Otherwise it is skipped
 * (the run's global set-up prints why, once) — unless `ESTATE_TEST_REQUIRE` includes `peers`, in which case it runs and fails clearly in
 * `requirePeers`.
 */
export function peersTier(tools: Array<keyof typeof TOOLS>): boolean {
  const missing = tools.filter((t) => !existsSync(TOOLS[t]!));
  const root = process.getuid?.() === 0;
  if ((missing.length > 0 || !root) && !tierRequired('peers')) {
    return false;
  }
  return true;
}

/** Throws a clear error when the peers tier was required but cannot run here. */
export function requirePeers(tools: Array<keyof typeof TOOLS>): void {
  const missing = tools.filter((t) => !existsSync(TOOLS[t]!));
  if (process.getuid?.() !== 0) throw new Error('ESTATE_TEST_REQUIRE includes peers, which needs root (network namespaces, snmpd).');
  if (missing.length > 0) throw new Error(`ESTATE_TEST_REQUIRE includes peers but ${missing.join(', ')} is not installed.`);
}

/** Runs a command without a shell and returns its stdout; throws with its stderr on failure. */
export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A UDP port that was free on 127.0.0.1 a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** A third octet x such that 10.<second>.x.0/24 is not used by any address or route on this machine. */
export function freeSubnet(second: number): string {
  const used = run(TOOLS.ip!, ['-4', 'route', 'show', 'table', 'all']) + run(TOOLS.ip!, ['-4', 'addr', 'show']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const third = 1 + Math.floor(Math.random() * 250);
    if (!used.includes(`10.${second}.${third}.`)) return `10.${second}.${third}`;
  }
  throw new Error(`No free 10.${second}.x.0/24 found for a test namespace.`);
}

/** A long-running child: its output so far (for error messages) and how to stop it. */
export interface Peer {
  child: ChildProcess;
  output(): string;
  stop(): void;
}

/** Starts a process and waits until its output contains `readyText` (or it exits, or `timeoutMs` passes). */
export async function startPeer(
  command: string,
  args: string[],
  readyText: string | RegExp,
  timeoutMs = 10_000,
  env?: NodeJS.ProcessEnv,
): Promise<Peer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const peer: Peer = {
    child,
    output: () => output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const check = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-16_384);
      if (typeof readyText === 'string' ? output.includes(readyText) : readyText.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      peer.stop();
      reject(new Error(`${command} ${args.join(' ')} did not start: ${err.message}\n${output}`));
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
  });
  return peer;
}

/** True for the host end of a veth pair made by createNamespace (other test files may add or remove them any time). */
export function isTestLink(name: string): boolean {
  return /^est[0-9a-f]{6}[hn]$/.test(name);
}

/** A network namespace joined to this one by a veth pair. */
export interface Namespace {
  name: string;
  /** The veth end inside the namespace. */
  innerLink: string;
  /** Runs `command` inside the namespace as a peer (see startPeer). */
  start(command: string, args: string[], readyText: string | RegExp, env?: NodeJS.ProcessEnv): Promise<Peer>;
  /** Stops the namespace's peers and deletes it with its veth pair. Never throws. */
  cleanup(): void;
}

/** Where a namespace sits: the host end's address, the inner end's, extra inner addresses, and routes to it. */
export interface NamespaceLayout {
  /** CIDR on the host end, e.g. 10.213.7.1/24. */
  hostAddress: string;
  /** CIDR on the inner end, e.g. 10.213.7.2/24; its address is the namespace's default gateway peer. */
  innerAddress: string;
  /** More addresses (as /32) on the inner end. */
  extraAddresses?: string[];
  /** CIDRs routed from the host to the inner end (for extra addresses outside the link subnet). */
  routes?: string[];
  /** IPv6 CIDRs of the host end and the inner end (added without duplicate address detection, so usable at once). */
  hostAddress6?: string;
  innerAddress6?: string;
}

/** Creates a namespace with a unique name and veth pair; on failure it removes whatever it had made and throws. */
export function createNamespace(layout: NamespaceLayout): Namespace {
  const tag = randomBytes(3).toString('hex');
  const name = `estate-${tag}`;
  const hostLink = `est${tag}h`;
  const innerLink = `est${tag}n`;
  const peers: Peer[] = [];
  const ip = (...args: string[]) => run(TOOLS.ip!, args);
  const cleanup = () => {
    for (const peer of peers) peer.stop();
    for (const args of [
      ['netns', 'del', name],
      ['link', 'del', hostLink],
    ]) {
      try {
        execFileSync(TOOLS.ip!, args, { stdio: 'ignore' });
      } catch {
        // Already gone (deleting the namespace removes both veth ends).
      }
    }
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', innerLink);
    ip('link', 'set', innerLink, 'netns', name);
    ip('addr', 'add', layout.hostAddress, 'dev', hostLink);
    ip('link', 'set', hostLink, 'up');
    const inNs = (...args: string[]) => ip('netns', 'exec', name, TOOLS.ip!, ...args);
    inNs('link', 'set', 'lo', 'up');
    inNs('addr', 'add', layout.innerAddress, 'dev', innerLink);
    for (const extra of layout.extraAddresses ?? []) inNs('addr', 'add', `${extra}/32`, 'dev', innerLink);
    if (layout.hostAddress6 && layout.innerAddress6) {
      ip('addr', 'add', layout.hostAddress6, 'dev', hostLink, 'nodad');
      inNs('addr', 'add', layout.innerAddress6, 'dev', innerLink, 'nodad');
    }
    inNs('link', 'set', innerLink, 'up');
    inNs('route', 'add', 'default', 'via', layout.hostAddress.split('/')[0]!);
    for (const route of layout.routes ?? []) ip('route', 'add', route, 'via', layout.innerAddress.split('/')[0]!);
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    name,
    innerLink,
    async start(command, args, readyText, env) {
      const peer = await startPeer(TOOLS.ip!, ['netns', 'exec', name, command, ...args], readyText, 10_000, env);
      peers.push(peer);
      return peer;
    },
    cleanup,
  };
}

/** A scratch directory removed by its cleanup. */
export function scratchDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'estate-peers-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a self-signed certificate (P-256, one day) for `commonName` with the given SANs; returns the PEM paths. */
export function selfSignedCertificate(dir: string, commonName: string, sans: string[]): { cert: string; key: string } {
  const cert = path.join(dir, `${commonName}.crt`);
  const key = path.join(dir, `${commonName}.key`);
  run(TOOLS.openssl!, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    `subjectAltName=${sans.join(',')}`,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/** What a test snmpd answers: its system group, a v2c community and a v3 authPriv (SHA/AES) user. */
export interface SnmpdConfig {
  listen: string;
  sysName: string;
  sysDescr: string;
  sysLocation: string;
  sysContact: string;
  /** sysServices; unset, net-snmp (run with -C) does not answer it at all. Debian's stock snmpd.conf sets 72. */
  sysServices?: number;
  community: string;
  v3User: string;
  v3AuthKey: string;
  v3PrivKey: string;
  /** When set, snmpd is also an AgentX master on this Unix socket, so subagents (lldpd) serve their MIBs through it. */
  agentXSocket?: string;
}

/** The snmpd.conf for `config`, written to `dir`; returns its path. */
export function writeSnmpdConfig(dir: string, config: SnmpdConfig): string {
  const file = path.join(dir, 'snmpd.conf');
  writeFileSync(
    file,
    [
      `agentAddress ${config.listen}`,
      `rocommunity ${config.community} default`,
      `createUser ${config.v3User} SHA "${config.v3AuthKey}" AES "${config.v3PrivKey}"`,
      `rouser ${config.v3User} authpriv`,
      `sysName ${config.sysName}`,
      `sysDescr ${config.sysDescr}`,
      `sysLocation ${config.sysLocation}`,
      `sysContact ${config.sysContact}`,
      ...(config.sysServices !== undefined ? [`sysServices ${config.sysServices}`] : []),
      ...(config.agentXSocket ? ['master agentx', `agentXSocket unix:${config.agentXSocket}`, 'agentXPerms 0660 0770'] : []),
      '',
    ].join('\n'),
  );
  return file;
}

/** snmpd's arguments and environment for a config in `dir`: foreground, log to stdout, only this config, state in `dir`. */
export function snmpdCommand(dir: string, configFile: string): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    command: TOOLS.snmpd!,
    args: ['-f', '-Lo', '-C', '-c', configFile],
    env: { SNMP_PERSISTENT_DIR: path.join(dir, 'snmp-state'), MIBS: '' },
  };
}

/** Joins two namespaces by a veth pair of their own, a cable between two devices; returns its end in each. */
export function connectNamespaces(a: Namespace, b: Namespace): { aLink: string; bLink: string } {
  const tag = randomBytes(3).toString('hex');
  // Named like createNamespace's links, and created inside the namespaces, so other tests never see them here.
  const aLink = `est${tag}h`;
  const bLink = `est${tag}n`;
  run(TOOLS.ip!, ['link', 'add', aLink, 'netns', a.name, 'type', 'veth', 'peer', 'name', bLink, 'netns', b.name]);
  run(TOOLS.ip!, ['netns', 'exec', a.name, TOOLS.ip!, 'link', 'set', aLink, 'up']);
  run(TOOLS.ip!, ['netns', 'exec', b.name, TOOLS.ip!, 'link', 'set', bLink, 'up']);
  return { aLink, bLink };
}

/** What a test lldpd announces: its system name, optionally its management address, and the AgentX socket to join. */
export interface LldpdConfig {
  systemName: string;
  managementAddress?: string;
  /** snmpd's AgentX socket: lldpd then serves LLDP-MIB (lldpRemTable…) through that snmpd. */
  agentXSocket?: string;
}

/**
 * lldpd's arguments for `config`, with its configuration and control socket in `dir` (so several run side by side):
 * foreground, LLDP only. `readyText` appears once it applied its configuration; `controlSocket` is for `lldpcli`.
 */
export function lldpdCommand(
  dir: string,
  config: LldpdConfig,
): { command: string; args: string[]; readyText: RegExp; controlSocket: string } {
  const configFile = path.join(dir, `lldpd-${config.systemName}.conf`);
  const controlSocket = path.join(dir, `lldpd-${config.systemName}.sock`);
  writeFileSync(configFile, `configure system hostname ${config.systemName}\n`);
  // lldpd applies its configuration through lldpcli running as its unprivileged user, which must reach the socket.
  chmodSync(dir, 0o755);
  const args = ['-d', '-u', controlSocket, '-O', configFile];
  if (config.managementAddress) args.push('-m', config.managementAddress);
  if (config.agentXSocket) args.push('-x', '-X', config.agentXSocket);
  return { command: TOOLS.lldpd!, args, readyText: /lldpd should resume operations/, controlSocket };
}

/** Runs `lldpcli` against the lldpd listening on `controlSocket`; returns its output. */
export function lldpcli(controlSocket: string, args: string[]): string {
  return run(TOOLS.lldpcli!, ['-u', controlSocket, ...args]);
}
