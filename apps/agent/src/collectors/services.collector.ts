import type { HostSnapshot } from '@estate/contract';
import { type InventoryCollector, runCommand } from './collector';

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
 * systemd services with their state (`running`, `exited`, `dead`, `failed`…) and whether they are enabled. None on
 * a host where systemd is not the init system (a container): systemctl then fails and the map stays empty.
 */
export function createServicesCollector(): InventoryCollector {
  return {
    name: 'services',
    async collect() {
      const units = await runCommand('systemctl', ['list-units', '--type=service', '--all', '--no-legend', '--plain', '--no-pager']);
      if (units === null) return { services: {} };
      const files = parseUnitFiles(
        (await runCommand('systemctl', ['list-unit-files', '--type=service', '--no-legend', '--plain', '--no-pager'])) ?? '',
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
