/**
 * A configuration of each check type that its type accepts, for forms to start from (`GET /api/v1/check-types`):
 * the fields people set first, with documentation addresses (example.org, 192.0.2.0/24). A test prepares each one.
 */
export const CHECK_EXAMPLES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  http: { url: 'https://example.org/health', method: 'GET' },
  tcp: { host: 'db.example.org', port: 5432 },
  icmp: { host: '192.0.2.10', count: 3 },
  dns: { name: 'example.org', recordType: 'A' },
  tls: { host: 'example.org', port: 443, minDaysValid: 14 },
  smtp: { host: 'mail.example.org', port: 25, starttls: true },
  imap: { host: 'mail.example.org', port: 993, tls: true },
  postgres: { host: 'db.example.org', port: 5432, database: 'postgres', user: 'monitor', query: 'select 1' },
  mysql: { host: 'db.example.org', port: 3306, database: 'mysql', user: 'monitor', query: 'select 1' },
  redis: { host: 'cache.example.org', port: 6379 },
  push: { periodSeconds: 86_400, graceSeconds: 3_600 },
  prometheus: { url: 'http://192.0.2.10:9100/metrics', job: 'node' },
  snmp: { host: 'switch1.example.org', version: 'v2c', oids: ['1.3.6.1.2.1.1.3.0'] },
  'snmp-interfaces': { host: 'switch1.example.org', version: 'v2c', interfaces: ['Gi*'] },
  systemd: { unit: 'nginx.service' },
  process: { name: 'nginx', minCount: 1 },
  filesystem: { path: '/', warnPercent: 80, critPercent: 90 },
  file: { path: '/var/backups/db.dump', maxAgeSeconds: 93_600, minBytes: 1 },
  'certificate-file': { path: '/etc/ssl/certs/server.pem', warnDays: 21, critDays: 7 },
  nagios: { plugin: 'load' },
};
