import { readFileSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLocalAddress, readLocalHost } from './local-host';

describe('the scanning machine', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['198.51.100.77', true],
    ['2001:DB8::77', true],
    ['198.51.100.78', false],
    ['2001:db8::78', false],
    ['not an address', false],
  ])('takes %s for itself: %s', (address, expected) => {
    expect(isLocalAddress(address, { ownAddresses: ['127.0.0.1', '198.51.100.77', '2001:db8::77'] })).toBe(expected);
  });

  it('reads its name, machine id, MACs and addresses from the operating system', async () => {
    const local = await readLocalHost();
    expect(local.hostname).toBe(os.hostname());
    const machineId = (() => {
      try {
        return readFileSync('/etc/machine-id', 'utf8').trim().toLowerCase();
      } catch {
        return undefined;
      }
    })();
    if (machineId && /^[0-9a-f]{32}$/.test(machineId)) expect(local.machineId).toBe(machineId);
    // Loopback is its own address, but never one of its identifiers.
    expect(local.ownAddresses).toContain('127.0.0.1');
    expect(local.ips).not.toContain('127.0.0.1');
    for (const ip of local.ips) expect(local.ownAddresses).toContain(ip);
    expect(local.macs.every((m) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m))).toBe(true);
  });
});
