import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostSnapshot } from '@estate/contract';
import type { FileReader } from './net-interfaces';

const readText: FileReader = (file) => readFile(file, 'utf8').catch(() => undefined);

/** CPU vendors as /proc/cpuinfo's `vendor_id` (x86) or `CPU implementer` (Arm) names them, in the words people use. */
const VENDORS: Record<string, string> = {
  GenuineIntel: 'Intel',
  AuthenticAMD: 'AMD',
  HygonGenuine: 'Hygon',
  CentaurHauls: 'Centaur',
  Shanghai: 'Zhaoxin',
  '0x41': 'Arm',
  '0x42': 'Broadcom',
  '0x43': 'Cavium',
  '0x46': 'Fujitsu',
  '0x48': 'HiSilicon',
  '0x4e': 'NVIDIA',
  '0x50': 'Ampere',
  '0x51': 'Qualcomm',
  '0x61': 'Apple',
  '0xc0': 'Ampere',
};

/**
 * The CPU's vendor and model from /proc/cpuinfo (first processor): `vendor_id` or the Arm `CPU implementer` named
 * ("AuthenticAMD" → "AMD"), and `model name` (or the `Hardware`/`cpu model` line some architectures use instead).
 * Either is undefined when the file does not say.
 */
export function parseCpuInfo(cpuinfo: string): { vendor?: string; model?: string } {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'mi').exec(cpuinfo)?.[1]?.trim();
  const rawVendor = field('vendor_id') ?? field('CPU implementer');
  const vendor = rawVendor ? (VENDORS[rawVendor] ?? VENDORS[rawVendor.toLowerCase()] ?? rawVendor) : undefined;
  const model = (field('model name') ?? field('cpu model') ?? field('Hardware'))?.replace(/\s+/g, ' ');
  return { ...(vendor ? { vendor } : {}), ...(model ? { model } : {}) };
}

/** Block devices that are not disks: loop devices, RAM disks, compressed swap, floppies, optical drives. */
const NOT_A_DISK = /^(loop|ram|zram|fd|sr|nbd)\d*/;

/**
 * The disks under `root` (/sys/block): size from `size` (512-byte sectors, whatever the sector size), model and
 * serial from `device/`, whether it spins from `queue/rotational` and whether it is removable. Loop, RAM, zram,
 * floppy, optical and network block devices are skipped, and so are empty devices (a card reader without a card).
 * Partitions are not listed here; device-mapper and md devices are, since they are what filesystems sit on.
 */
export async function blockDevices(root = '/sys/block', read: FileReader = readText): Promise<HostSnapshot['disks']> {
  const names = (await readdir(root).catch(() => [] as string[])).filter((name) => !NOT_A_DISK.test(name)).sort();
  const disks: HostSnapshot['disks'] = {};
  for (const name of names) {
    const dir = path.join(root, name);
    const [size, model, serial, rotational, removable, dmName] = await Promise.all(
      ['size', 'device/model', 'device/serial', 'queue/rotational', 'removable', 'dm/name'].map((f) => read(path.join(dir, f))),
    );
    const sectors = Number(size?.trim());
    if (!Number.isFinite(sectors) || sectors <= 0) continue;
    const text = (value: string | undefined) => value?.trim() || undefined;
    disks[`/dev/${name}`] = {
      sizeBytes: sectors * 512,
      ...(text(model) ? { model: text(model) } : {}),
      ...(text(serial) ? { serial: text(serial) } : {}),
      ...(text(dmName) ? { type: 'device-mapper' } : /^md\d/.test(name) ? { type: 'raid' } : {}),
      ...(rotational?.trim() === '1' || rotational?.trim() === '0' ? { rotational: rotational.trim() === '1' } : {}),
      ...(removable?.trim() === '1' ? { removable: true } : {}),
    };
  }
  return disks;
}

/**
 * When the host booted, in epoch ms: the `btime` line of /proc/stat, else now minus the first number of
 * /proc/uptime; undefined when neither can be read.
 */
export async function bootTime(read: FileReader = readText, now = Date.now()): Promise<number | undefined> {
  const btime = /^btime (\d+)$/m.exec((await read('/proc/stat')) ?? '')?.[1];
  if (btime) return Number(btime) * 1000;
  const uptime = Number.parseFloat((await read('/proc/uptime')) ?? '');
  return Number.isFinite(uptime) && uptime >= 0 ? Math.round((now - uptime * 1000) / 1000) * 1000 : undefined;
}
