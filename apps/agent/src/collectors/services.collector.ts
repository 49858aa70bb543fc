import { readFile, stat } from 'node:fs/promises';
import type { HostSnapshot } from '@estate/contract';
import { type InventoryCollector, runCommand } from './collector';
import type { FileReader } from './net-interfaces';

const readText: FileReader = (file) => readFile(file, 'utf8').catch(() => undefined);
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * Why this host has no services to list, or undefined when systemd runs it. systemd is the init system when
 * /run/systemd/system exists (sd_booted(3)); otherwise the reason names process 1, e.g. a container's entry point.
 */
export async function servicesUnavailableReason(
  has: (file: string) => Promise<boolean> = exists,
  read: FileReader = readText,
): Promise<string | undefined> {
  if (await has('/run/systemd/system')) return undefined;
  const init = (await read('/proc/1/comm'))?.trim();
  return init
    ? `systemd is not the init system here (process 1 is ${init}), so there are no services to list`
    : 'systemd is not the init system here, so there are no services to list';
}

/** Parses `systemctl list-units --type=service --all --no-legend --plain`: unit, load, active, sub, description. */
export function parseUnits(output: string): Map<string, string> {
  const units = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [unit, load, , sub] = line.trim().split(/\s+/);
    if (!unit?.endsWith('.service') || !sub || load === 'not-found') continue;
    units.set(unit, sub);
  }
  return units;
}

/** Parses `systemctl list-unit-files --type=service --no-legend --plain`: unit and its enablement state. */
export function parseUnitFiles(output: string): Map<string, boolean> {
  const files = new Map<string, boolean>();
  for (const line of output.split('\n')) {
    const [unit, state] = line.trim().split(/\s+/);
    if (!unit?.endsWith('.service') || !state) continue;
    if (state === 'enabled' || state === 'enabled-runtime') files.set(unit, true);
    else if (state === 'disabled' || state === 'masked') files.set(unit, false);
  }
  return files;
}

/**
 * systemd services with their state (`running`, `exited`, `dead`, `failed`…) and whether they are enabled. On a host
 * where systemd is not the init system (a container) or systemctl fails, no services and a sentence saying why
 * (`servicesUnavailable`), so the CI page can tell "none running" from "cannot be known".
 */
export function createServicesCollector(
  reason: () => Promise<string | undefined> = () => servicesUnavailableReason(),
  run: typeof runCommand = runCommand,
): InventoryCollector {
  return {
    name: 'services',
    async collect() {
      const unavailable = await reason();
      if (unavailable) return { services: {}, servicesUnavailable: unavailable };
      const units = await run('systemctl', ['list-units', '--type=service', '--all', '--no-legend', '--plain', '--no-pager']);
      if (units === null) return { services: {}, servicesUnavailable: 'systemctl could not list the services' };
      const files = parseUnitFiles(
        (await run('systemctl', ['list-unit-files', '--type=service', '--no-legend', '--plain', '--no-pager'])) ?? '',
      );
      const services: HostSnapshot['services'] = {};
      for (const [unit, state] of parseUnits(units)) {
        const enabled = files.get(unit);
        services[unit.replace(/\.service$/, '')] = enabled === undefined ? { state } : { state, enabled };
      }
      return { services };
    },
  };
}
