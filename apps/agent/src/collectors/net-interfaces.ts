import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InterfaceKind } from '@estate/contract';

/** What the kernel says of one network interface. */
export interface InterfaceState {
  kind: InterfaceKind;
  adminUp?: boolean;
  operUp?: boolean;
}

/** ARPHRD_* link types (linux/if_arp.h) that name a kind by themselves. */
const LINK_TYPES: Record<number, InterfaceKind> = {
  772: 'loopback', // ARPHRD_LOOPBACK
  768: 'tunnel', // ARPHRD_TUNNEL (ipip)
  769: 'tunnel', // ARPHRD_TUNNEL6
  776: 'tunnel', // ARPHRD_SIT
  778: 'tunnel', // ARPHRD_IPGRE
  823: 'tunnel', // ARPHRD_IP6GRE
  65534: 'tunnel', // ARPHRD_NONE: tun, WireGuard
};

/** uevent DEVTYPEs that name a kind. */
const DEV_TYPES: Record<string, InterfaceKind> = {
  bridge: 'bridge',
  vlan: 'vlan',
  bond: 'bond',
  team: 'bond',
  wlan: 'wireless',
  vxlan: 'tunnel',
  geneve: 'tunnel',
  wireguard: 'tunnel',
  macvlan: 'virtual',
  ipvlan: 'virtual',
  veth: 'virtual',
};

/** Reads a small file, or undefined when it is not there or cannot be read. */
export type FileReader = (file: string) => Promise<string | undefined>;

const readText: FileReader = (file) => readFile(file, 'utf8').catch(() => undefined);
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * The kind of interface `name` is, from sysfs as `ip -d link` reads it: the link type (loopback, tunnels), the
 * uevent's DEVTYPE (bridge, vlan, bond, wlan…), a `wireless` directory, and whether a device backs it: an interface
 * with a `device` link is hardware (`physical`), one without is made by software (`virtual`: veth pairs, dummies).
 * Names are never looked at: a container's eth0 is a veth, a host's br0 may carry its only address.
 */
export async function interfaceState(
  name: string,
  root = '/sys/class/net',
  read: FileReader = readText,
  has: (file: string) => Promise<boolean> = exists,
): Promise<InterfaceState> {
  const dir = path.join(root, name);
  const [type, uevent, flags, operstate, device, wireless] = await Promise.all([
    read(path.join(dir, 'type')),
    read(path.join(dir, 'uevent')),
    read(path.join(dir, 'flags')),
    read(path.join(dir, 'operstate')),
    has(path.join(dir, 'device')),
    has(path.join(dir, 'wireless')),
  ]);
  const devType = /^DEVTYPE=(.+)$/m.exec(uevent ?? '')?.[1]?.trim();
  const kind =
    LINK_TYPES[Number(type?.trim())] ??
    (devType ? DEV_TYPES[devType] : undefined) ??
    (wireless ? 'wireless' : device ? 'physical' : 'virtual');
  const state: InterfaceState = { kind };
  const bits = flags === undefined ? Number.NaN : Number.parseInt(flags.trim(), 16);
  if (Number.isFinite(bits)) state.adminUp = (bits & 0x1) === 1; // IFF_UP
  const oper = operstate?.trim();
  if (oper === 'up' || oper === 'down' || oper === 'lowerlayerdown' || oper === 'dormant') state.operUp = oper === 'up';
  return state;
}

/** Every interface sysfs lists, with its state; empty where there is no sysfs. */
export async function interfaceStates(root = '/sys/class/net'): Promise<Map<string, InterfaceState>> {
  const names = await readdir(root).catch(() => [] as string[]);
  const states = await Promise.all(names.map(async (name) => [name, await interfaceState(name, root)] as const));
  return new Map(states);
}

/**
 * True for an interface that says nothing about the host: loopback, and software interfaces with no address of their
 * own beyond link-local (the host end of every container's veth pair, Calico's cali*), which come and go with
 * workloads. Decided by kind and addresses, never by name: a container's own eth0 is a veth with an address and
 * counts; a host's br0 carrying its only address counts.
 */
export function isWorkloadPlumbing(kind: InterfaceKind, addresses: readonly string[]): boolean {
  return kind === 'loopback' || (kind === 'virtual' && addresses.every((a) => /^fe80:/i.test(a)));
}
