/**
 * A /24 scan with 10 ports: Estate's scan engine (fping liveness, then TCP connects under its rate limit) against
 * nmap's unprivileged-style connect scan (`nmap -n -sT -p <ports> <cidr>`) over the same network, in the same run.
 *
 * The network is real: one network namespace holds all 254 addresses of a /24 on a veth pair, routed from this
 * namespace; listeners run on some of them (22 and 80 on every 8th, 443 on every 16th, 8080 on every 32nd). Needs
 * root, iproute2, fping and nmap — on Debian: `apt-get install -y --no-install-recommends iproute2 fping nmap`
 * (nmap is for this benchmark only; CI does not install it). Run: `npm run bench -- discovery-scan`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createScanEngine } from '../apps/server/src/modules/discovery/scan/engine/engine';
import {
  createNamespace,
  freeSubnet,
  type Namespace,
  PEER_LISTENERS,
  scratchDir,
  selfSignedCertificate,
} from '../apps/server/src/modules/discovery/scan/engine/peers.test-support';
import type { ScanRequest } from '../apps/server/src/modules/discovery/scan/engine/scan-types';
import { expandTargets } from '../apps/server/src/modules/discovery/scan/engine/targets';
import { type Benchmark, compare, median } from './support/report';

const run = promisify(execFile);
const PORTS = [21, 22, 25, 53, 80, 110, 443, 3306, 5432, 8080];
const NMAP = '/usr/bin/nmap';

/** host number → listeners on it. */
function layout(prefix: string, certificate: { cert: string; key: string }) {
  const listeners: Array<{ host: string; port: number; kind: string; text: string; cert?: string; key?: string }> = [];
  for (let i = 1; i <= 254; i++) {
    const host = `${prefix}.${i}`;
    if (i % 8 === 1) {
      listeners.push({ host, port: 22, kind: 'ssh', text: `SSH-2.0-OpenSSH_9.2p1 bench-${i}` });
      listeners.push({ host, port: 80, kind: 'http', text: `bench host ${i}` });
    }
    if (i % 16 === 1) listeners.push({ host, port: 443, kind: 'tls', text: `bench tls ${i}`, ...certificate });
    if (i % 32 === 1) listeners.push({ host, port: 8080, kind: 'http', text: `bench alt ${i}` });
  }
  return listeners;
}

function key(address: string, port: number): string {
  return `${address}:${port}`;
}

async function scanEstate(request: ScanRequest): Promise<{ ms: number; open: Set<string>; hosts: number }> {
  const open = new Set<string>();
  let hosts = 0;
  const started = performance.now();
  await createScanEngine().scan(request, async (finding) => {
    hosts++;
    for (const port of finding.openPorts) open.add(key(finding.address, port));
  });
  return { ms: performance.now() - started, open, hosts };
}

async function scanNmap(cidr: string): Promise<{ ms: number; open: Set<string>; hosts: number }> {
  const started = performance.now();
  const { stdout } = await run(NMAP, ['-n', '-sT', '-p', PORTS.join(','), '-oG', '-', cidr], { maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  const open = new Set<string>();
  let hosts = 0;
  for (const line of stdout.split('\n')) {
    const match = /^Host: (\S+) .*Ports: (.*)$/.exec(line);
    if (!match) continue;
    hosts++;
    for (const entry of match[2]!.split(', ')) {
      const [port, state] = entry.split('/');
      if (state === 'open') open.add(key(match[1]!, Number(port)));
    }
  }
  return { ms, open, hosts };
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

export const benchmark: Benchmark = {
  name: 'discovery-scan',
  description: 'A /24 (254 live addresses in a network namespace) x 10 TCP ports: Estate scan engine vs nmap -sT',
  async run({ quick }) {
    if (process.getuid?.() !== 0) throw new Error('discovery-scan needs root (network namespaces).');
    for (const tool of ['/usr/sbin/ip', '/usr/bin/fping', NMAP]) {
      if (!existsSync(tool))
        throw new Error(`discovery-scan needs ${tool}: apt-get install -y --no-install-recommends iproute2 fping nmap`);
    }
    const rounds = quick ? 1 : 3;
    const scratch = scratchDir();
    let space: Namespace | undefined;
    try {
      const scanned = freeSubnet(214);
      let link = freeSubnet(214);
      while (link === scanned) link = freeSubnet(214);
      const cidr = `${scanned}.0/24`;
      space = createNamespace({
        hostAddress: `${link}.1/30`,
        innerAddress: `${link}.2/30`,
        extraAddresses: Array.from({ length: 254 }, (_, i) => `${scanned}.${i + 1}`),
        routes: [cidr],
      });
      const certificate = selfSignedCertificate(scratch.dir, 'bench.estate.test', ['DNS:bench.estate.test']);
      const listeners = layout(scanned, certificate);
      await space.start(process.execPath, [PEER_LISTENERS, JSON.stringify(listeners)], 'ready');
      const expected = new Set(listeners.map((l) => key(l.host, l.port)));

      const request: ScanRequest = {
        addresses: expandTargets([cidr]),
        ports: PORTS,
        concurrency: 256,
        ratePerSecond: 10_000,
        timeoutMs: 1_000,
        reverseDns: false,
        serviceHints: false,
        snmp: [],
        snmpPort: 161,
        tcpLiveness: false,
      };
      const samples: Array<{ round: number; side: 'estate' | 'estate+hints' | 'nmap'; ms: number; hosts: number; openPorts: number }> = [];
      for (let round = 1; round <= rounds; round++) {
        const nmap = await scanNmap(cidr);
        if (!sameSet(nmap.open, expected)) throw new Error(`nmap found ${nmap.open.size} open ports, expected ${expected.size}.`);
        samples.push({ round, side: 'nmap', ms: nmap.ms, hosts: nmap.hosts, openPorts: nmap.open.size });
        const ours = await scanEstate(request);
        if (!sameSet(ours.open, expected)) throw new Error(`Estate found ${ours.open.size} open ports, expected ${expected.size}.`);
        samples.push({ round, side: 'estate', ms: ours.ms, hosts: ours.hosts, openPorts: ours.open.size });
        const hinted = await scanEstate({ ...request, serviceHints: true });
        samples.push({ round, side: 'estate+hints', ms: hinted.ms, hosts: hinted.hosts, openPorts: hinted.open.size });
      }
      const pick = (side: (typeof samples)[number]['side']) => median(samples.filter((s) => s.side === side).map((s) => s.ms));
      const oursMs = pick('estate');
      const nmapMs = pick('nmap');
      return {
        peerName: `nmap ${/Nmap version (\S+)/.exec((await run(NMAP, ['--version'])).stdout)?.[1] ?? '?'} -n -sT (as root, default timing T3)`,
        comparisons: [
          compare({
            metric: '/24 x 10 ports scan time',
            unit: 'ms',
            ours: oursMs,
            peer: nmapMs,
            better: 'lower',
            target: 'ratio <= 1.5',
            meetsTarget: oursMs / nmapMs <= 1.5,
          }),
          compare({
            metric: `open ports found (expected ${expected.size})`,
            unit: 'ports',
            ours: samples.find((s) => s.side === 'estate')!.openPorts,
            peer: samples.find((s) => s.side === 'nmap')!.openPorts,
            better: 'higher',
          }),
        ],
        samples: { cidr, ports: PORTS, request: { ...request, addresses: `${request.addresses.length} addresses` }, rounds: samples },
        notes: [
          `${rounds} alternating round(s); median wall time of each side. Estate: concurrency ${request.concurrency}, ${request.ratePerSecond}/s, timeout ${request.timeoutMs} ms, no hints/DNS/SNMP (like nmap -sT -n).`,
          `Estate with service hints (SSH banner, HTTP title, TLS certificate) on the ${expected.size} open ports: median ${Math.round(pick('estate+hints'))} ms.`,
          'All 254 addresses answer ping; closed ports answer with RST, so neither side waits for timeouts.',
        ],
      };
    } finally {
      space?.cleanup();
      scratch.cleanup();
    }
  },
};
