import { readFile } from 'node:fs/promises';
import { CONTAINER_MANAGER_IDS } from '@estate/contract';
import type { FileReader } from './net-interfaces';

/** DMI vendor and product texts (lower-case) and the hypervisor they name, first match wins. */
const DMI_VENDORS: Array<[RegExp, string]> = [
  [/\bkvm\b/, 'kvm'],
  [/amazon ec2/, 'amazon'],
  [/\bqemu\b/, 'qemu'],
  [/vmware/, 'vmware'],
  [/virtualbox|innotek/, 'oracle'],
  [/\bxen\b/, 'xen'],
  [/microsoft corporation.*virtual|hyper-v/, 'microsoft'],
  [/google compute engine|^google\b/, 'google'],
  [/parallels/, 'parallels'],
  [/\bbochs\b/, 'bochs'],
  [/bhyve/, 'bhyve'],
  [/openstack/, 'kvm'],
];

const readText: FileReader = (file) => readFile(file, 'utf8').catch(() => undefined);

/** The container manager, from the marker files and environment container managers leave. */
async function container(read: FileReader): Promise<string | undefined> {
  const declared = (await read('/run/systemd/container'))?.trim();
  if (declared) return CONTAINER_MANAGER_IDS.has(declared) ? declared : 'container-other';
  const environ = await read('/proc/1/environ');
  const fromEnv = /(?:^|\0)container=([^\0]+)/.exec(environ ?? '')?.[1];
  if (fromEnv) return CONTAINER_MANAGER_IDS.has(fromEnv) ? fromEnv : 'container-other';
  if ((await read('/.dockerenv')) !== undefined) return 'docker';
  if ((await read('/run/.containerenv')) !== undefined) return 'podman';
  const cgroup = (await read('/proc/1/cgroup')) ?? '';
  if (/\/docker[-/]/.test(cgroup)) return 'docker';
  if (/libpod|podman/.test(cgroup)) return 'podman';
  if (/\/lxc[./]/.test(cgroup)) return 'lxc';
  if (/kubepods|containerd|\/crio-/.test(cgroup)) return 'container-other';
  return undefined;
}

/** The hypervisor, from what the firmware says (DMI) and, failing that, the CPU's hypervisor flag. */
async function virtualMachine(read: FileReader): Promise<string | undefined> {
  const dmi = await Promise.all(['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor'].map((f) => read(`/sys/class/dmi/id/${f}`)));
  const text = dmi
    .map((v) => v?.trim().toLowerCase() ?? '')
    .filter(Boolean)
    .join(' ');
  for (const [pattern, id] of DMI_VENDORS) if (pattern.test(text)) return id;
  const cpuinfo = (await read('/proc/cpuinfo')) ?? '';
  if (/^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)) return 'vm-other';
  return undefined;
}

/**
 * What the host runs in, the way systemd-detect-virt decides it: a container first (the manager's marker files,
 * PID 1's environment and cgroup), then a virtual machine (DMI vendor and product, the CPU's hypervisor flag).
 * Undefined on bare metal. `read` answers a file's text or undefined when it cannot be read (tests pass fixtures).
 */
export async function detectVirtualization(read: FileReader = readText): Promise<string | undefined> {
  return (await container(read)) ?? (await virtualMachine(read));
}
