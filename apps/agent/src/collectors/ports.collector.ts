import { readdir, readFile, readlink } from 'node:fs/promises';
import type { HostSnapshot } from '@estate/contract';
import type { InventoryCollector } from './collector';

/** One listening socket from /proc/net/{tcp,tcp6,udp,udp6}. */
export interface ListeningSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  inode: string;
}

/** Decodes a /proc/net address: 8 hex digits (IPv4) or 32 (IPv6), each 32-bit word in host (little-endian) order. */
export function decodeProcAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => Number.parseInt(w.slice(i, i + 2), 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // Shorten the longest run of zero groups to "::" (RFC 5952).
  const joined = groups.join(':');
  const runs = joined.match(/(^|:)0(:0)+(:|$)/g);
  if (!runs) return joined;
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
  return joined.replace(longest, '::');
}

/**
 * Listening sockets in one /proc/net table: TCP in state LISTEN (0A); UDP bound and unconnected (state 07 with a
 * zero remote address).
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp'): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, remote, state, inode] = [fields[1], fields[2], fields[3], fields[9]];
    if (!local || !remote || !state || !inode) continue;
    const listening = protocol === 'tcp' ? state === '0A' : state === '07' && /^0+:0000$/.test(remote);
    if (!listening) continue;
    const [addressHex, portHex] = local.split(':');
    if (!addressHex || !portHex) continue;
    out.push({ protocol, address: decodeProcAddress(addressHex), port: Number.parseInt(portHex, 16), inode });
  }
  return out;
}

/** Process names owning the given socket inodes, from /proc/<pid>/fd (only the processes this user may inspect). */
async function socketOwners(inodes: ReadonlySet<string>): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (inodes.size === 0) return owners;
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    let name: string | undefined;
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (!inode || !inodes.has(inode) || owners.has(inode)) continue;
      name ??= (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
      if (name) owners.set(inode, name);
    }
    if (owners.size === inodes.size) break;
  }
  return owners;
}

const WILDCARD = new Set(['0.0.0.0', '::']);

/**
 * Listening TCP and UDP ports keyed `tcp/22`, `udp/53`, with the address (a wildcard one when the port listens on
 * several) and the owning process when it can be seen.
 */
export function createPortsCollector(): InventoryCollector {
  return {
    name: 'ports',
    async collect() {
      const sockets: ListeningSocket[] = [];
      for (const [file, protocol] of [
        ['/proc/net/tcp', 'tcp'],
        ['/proc/net/tcp6', 'tcp'],
        ['/proc/net/udp', 'udp'],
        ['/proc/net/udp6', 'udp'],
      ] as const) {
        sockets.push(...parseProcNet(await readFile(file, 'utf8').catch(() => ''), protocol));
      }
      const owners = await socketOwners(new Set(sockets.map((s) => s.inode).filter((i) => i !== '0')));
      const ports: HostSnapshot['ports'] = {};
      for (const socket of sockets) {
        const key = `${socket.protocol}/${socket.port}`;
        const existing = ports[key];
        if (existing?.address && WILDCARD.has(existing.address)) continue;
        const process = owners.get(socket.inode) ?? existing?.process;
        ports[key] = process ? { address: socket.address, process } : { address: socket.address };
      }
      return { ports };
    },
  };
}
