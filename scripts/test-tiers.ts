/**
 * The optional test tiers (PostgreSQL, browser, peers) and whether this machine can run them, decided once per
 * `npm test` by vitest's global set-up, which prints one line per skipped tier. Test files ask the same questions
 * through their own helpers and skip silently, so a skip is announced once, not once per test file.
 */
import { existsSync } from 'node:fs';

export type Tier = 'postgres' | 'browser' | 'peers';

/** The tools the peers tier needs (network namespaces, real snmpd and lldpd, fping, openssl, metric backends, dnsmasq). */
export const PEER_TOOLS: Record<string, string> = {
  ip: '/usr/sbin/ip',
  snmpd: '/usr/sbin/snmpd',
  fping: '/usr/bin/fping',
  openssl: '/usr/bin/openssl',
  lldpd: '/usr/sbin/lldpd',
  lldpcli: '/usr/sbin/lldpcli',
  'prometheus-node-exporter': '/usr/bin/prometheus-node-exporter',
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  'victoria-metrics': '/usr/bin/victoria-metrics',
  dnsmasq: '/usr/sbin/dnsmasq',
};

export const CHROMIUM_PATH = process.env.ESTATE_CHROMIUM ?? '/usr/bin/chromium';

/** Why a tier cannot run on this machine, or undefined when it can. */
export function tierUnavailable(tier: Tier): string | undefined {
  switch (tier) {
    case 'postgres':
      return process.env.ESTATE_TEST_DATABASE_URL ? undefined : 'set ESTATE_TEST_DATABASE_URL=postgres://… to run it';
    case 'browser':
      return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
    case 'peers': {
      const missing = Object.keys(PEER_TOOLS).filter((t) => !existsSync(PEER_TOOLS[t]!));
      const why = [
        process.getuid?.() === 0 ? '' : 'not root',
        missing.length
          ? `missing ${missing.join(', ')} (apt-get install snmpd snmp fping iproute2 lldpd openssl prometheus-node-exporter prometheus victoria-metrics dnsmasq)`
          : '',
      ].filter(Boolean);
      return why.length ? why.join(', ') : undefined;
    }
  }
}

/** Vitest global set-up: one line per tier that will be skipped, printed once for the whole run. */
export default function announceSkippedTiers(): void {
  const required = (process.env.ESTATE_TEST_REQUIRE ?? '').split(',').map((s) => s.trim());
  for (const tier of ['postgres', 'browser', 'peers'] as const) {
    const why = tierUnavailable(tier);
    if (why && !required.includes(tier)) console.warn(`[tests] ${tier} tier skipped: ${why}.`);
  }
}
