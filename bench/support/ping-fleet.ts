import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What building a fleet needs: root, iproute2's ip and tc, fping, and nft where the kernel has no netem. */
export const FLEET_TOOLS = { ip: '/usr/bin/ip', tc: '/usr/sbin/tc', nft: '/usr/sbin/nft', fping: '/usr/bin/fping' } as const;

const NAMESPACE_PREFIX = 'estate-icmp-bench-';
/** The host-side ends of the veth pairs and the namespace's side: 10.213.0.1/30 ↔ .2 clean, .5/30 ↔ .6 lossy. */
const LINK_NET = '10.213.0.0/16';
/** The fleet's addresses, on the namespace's loopback: the clean half in the lower /17, the lossy half in the upper. */
const FLEET_NET = '10.214.0.0/16';
/** Addresses per third octet (.1 … .250). */
const PER_OCTET = 250;

/** Hosts answering pings in a network namespace behind two veth pairs, one of which drops echo replies. */
export interface PingFleet {
  namespace: string;
  /** Addresses whose every echo request is answered. */
  clean: string[];
  /** Addresses whose echo replies are dropped with the fleet's loss probability, each on its own. */
  lossy: string[];
  lossPercent: number;
  /** How replies are dropped: tc's netem on the lossy veth, or an nftables rule where the kernel has no netem. */
  lossInjector: 'netem' | 'nftables';
  /** Deletes the namespace, which takes its veth pairs, routes and rules along; synchronous, safe to call twice. */
  remove(): void;
}

/** The machine cannot build a fleet; the message says what to install. */
export class FleetUnavailableError extends Error {
  override name = 'FleetUnavailableError';
}

/** What this machine lacks to build a fleet, in words that say what to install; empty when nothing is missing. */
export function fleetMissing(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (network namespaces and raw ICMP sockets)');
  if (!existsSync(FLEET_TOOLS.ip) || !existsSync(FLEET_TOOLS.tc)) missing.push('ip and tc (apt-get install -y iproute2)');
  if (!existsSync(FLEET_TOOLS.fping)) missing.push('fping (apt-get install -y fping)');
  return missing;
}

function ip(args: string[], input?: string): string {
  return execFileSync(FLEET_TOOLS.ip, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Deletes fleets left by benchmark processes that are gone (killed before their cleanup ran). */
function removeStaleFleets(): void {
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const owner = Number(name.slice(NAMESPACE_PREFIX.length));
    if (name.startsWith(NAMESPACE_PREFIX) && Number.isInteger(owner) && !alive(owner)) ip(['netns', 'delete', name]);
  }
}

/** The n-th address (from 0) of the half starting at third octet `base`. */
const addressOf = (base: number, n: number) => `10.214.${base + Math.floor(n / PER_OCTET)}.${(n % PER_OCTET) + 1}`;

function injectLoss(namespace: string, device: string, lossPercent: number): PingFleet['lossInjector'] {
  const netem = spawnSync(FLEET_TOOLS.tc, ['-n', namespace, 'qdisc', 'add', 'dev', device, 'root', 'netem', 'loss', `${lossPercent}%`], {
    encoding: 'utf8',
  });
  if (netem.status === 0) return 'netem';
  if (!existsSync(FLEET_TOOLS.nft))
    throw new FleetUnavailableError(
      `tc could not add netem (${netem.stderr.trim()}) and nft is missing: install nftables (apt-get install -y nftables) or use a kernel with sch_netem`,
    );
  const perMille = Math.round(lossPercent * 10);
  const rules = `table ip estate_bench_loss {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "${device}" icmp type echo-reply numgen random mod 1000 < ${perMille} drop
  }
}
`;
  execFileSync(FLEET_TOOLS.ip, ['netns', 'exec', namespace, FLEET_TOOLS.nft, '-f', '-'], { input: rules, stdio: ['pipe', 'pipe', 'pipe'] });
  return 'nftables';
}

/**
 * Builds a fleet of `clean + lossy` hosts (at most 32,000 of each) in a network namespace of its own, named after this
 * process: two veth pairs from the host, the addresses on the namespace's loopback, a route per half, and the lossy
 * pair's echo replies dropped with `lossPercent` probability (netem, or nftables where netem is missing; a
 * {@link FleetUnavailableError} when neither can). Fails without leaving anything behind when the address ranges are routed already or a step fails; checks that the first
 * clean and last lossy address answer before it returns.
 */
export function createPingFleet(clean: number, lossy: number, lossPercent: number): PingFleet {
  removeStaleFleets();
  for (const net of [LINK_NET, FLEET_NET]) {
    if (ip(['route', 'show', 'root', net]).trim() !== '')
      throw new Error(`${net} is routed on this machine already (ip route show root ${net}): the fleet needs it free`);
  }
  const namespace = `${NAMESPACE_PREFIX}${process.pid}`;
  const hostClean = `eib${process.pid}c`;
  const hostLossy = `eib${process.pid}l`;
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    spawnSync(FLEET_TOOLS.ip, ['netns', 'delete', namespace], { stdio: 'ignore' });
    // The host ends go with their peers in the namespace; a pair made halfway is deleted here.
    for (const link of [hostClean, hostLossy]) spawnSync(FLEET_TOOLS.ip, ['link', 'delete', link], { stdio: 'ignore' });
  };
  try {
    ip(['netns', 'add', namespace]);
    ip(
      ['-batch', '-'],
      [
        `link add ${hostClean} type veth peer name clean0 netns ${namespace}`,
        `link add ${hostLossy} type veth peer name lossy0 netns ${namespace}`,
        `addr add 10.213.0.1/30 dev ${hostClean}`,
        `addr add 10.213.0.5/30 dev ${hostLossy}`,
        `link set ${hostClean} up`,
        `link set ${hostLossy} up`,
        '',
      ].join('\n'),
    );
    const cleanAddresses = Array.from({ length: clean }, (_, n) => addressOf(0, n));
    const lossyAddresses = Array.from({ length: lossy }, (_, n) => addressOf(128, n));
    ip(
      ['-n', namespace, '-batch', '-'],
      [
        'link set lo up',
        'link set clean0 up',
        'link set lossy0 up',
        'addr add 10.213.0.2/30 dev clean0',
        'addr add 10.213.0.6/30 dev lossy0',
        ...[...cleanAddresses, ...lossyAddresses].map((a) => `addr add ${a}/32 dev lo`),
        '',
      ].join('\n'),
    );
    ip(['route', 'add', '10.214.0.0/17', 'via', '10.213.0.2', 'dev', hostClean]);
    ip(['route', 'add', '10.214.128.0/17', 'via', '10.213.0.6', 'dev', hostLossy]);
    const lossInjector = injectLoss(namespace, 'lossy0', lossPercent);
    const probe = [cleanAddresses[0], lossyAddresses.at(-1)].filter((a): a is string => a !== undefined);
    // Default mode: each target is alive once it answers one of up to four probes.
    const answered = spawnSync(FLEET_TOOLS.fping, ['-q', '-r', '3', '-t', '500', ...probe], { encoding: 'utf8' });
    if (answered.status !== 0) throw new Error(`The fleet does not answer pings (fping ${probe.join(' ')}): ${answered.stderr.trim()}`);
    return { namespace, clean: cleanAddresses, lossy: lossyAddresses, lossPercent, lossInjector, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
