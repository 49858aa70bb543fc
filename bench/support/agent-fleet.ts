import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { AGENT_HEADERS, agentSigningPayload, canonicalJson, type HostSnapshot, type MetricsReport } from '@estate/contract';

/** One simulated agent: its id and signing key, and the snapshot it last reported. */
export interface SimulatedAgent {
  id: string;
  hostname: string;
  publicKeyPem: string;
  fingerprint: string;
  privateKey: KeyObject;
  snapshotHash: string | null;
}

/** Makes `count` agents with fresh Ed25519 keys (about 50 µs each). */
export function makeAgents(count: number, newId: () => string): SimulatedAgent[] {
  return Array.from({ length: count }, (_, i) => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ type: 'spki', format: 'der' });
    return {
      id: newId(),
      hostname: `fleet-${String(i).padStart(5, '0')}`,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      fingerprint: createHash('sha256').update(der).digest('hex'),
      privateKey,
      snapshotHash: null,
    };
  });
}

/** A plausible host: 300 packages, 20 services, two interfaces, two disks. */
export function snapshotOf(agent: SimulatedAgent, index: number): HostSnapshot {
  const packages: HostSnapshot['packages'] = {};
  for (let p = 0; p < 300; p++) packages[`pkg-${p}`] = { version: `1.${p % 17}.${p % 5}`, arch: 'amd64' };
  const services: HostSnapshot['services'] = {};
  for (let s = 0; s < 20; s++) services[`svc-${s}.service`] = { state: 'running', enabled: true };
  const octet = (n: number) => n % 250;
  return {
    hostname: agent.hostname,
    machineId: agent.id.replace(/-/g, ''),
    system: { manufacturer: 'QEMU', model: 'Standard PC', serial: `FLEET-${index}`, virtualization: 'kvm' },
    cpu: { model: 'Virtual CPU', cores: 4, architecture: 'x86_64' },
    memoryBytes: 8 * 2 ** 30,
    os: { name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0-28-amd64' },
    interfaces: {
      eth0: {
        mac: `52:54:00:${[index >> 16, index >> 8, index]
          .map((n) =>
            octet(n & 255)
              .toString(16)
              .padStart(2, '0'),
          )
          .join(':')}`,
        addresses: [`10.${octet(index >> 16)}.${octet(index >> 8)}.${octet(index) + 1}`],
        speedMbps: 1000,
      },
    },
    disks: { vda: { sizeBytes: 50 * 2 ** 30, type: 'HD' } },
    filesystems: { '/': { device: '/dev/vda1', fsType: 'ext4', sizeBytes: 48 * 2 ** 30 } },
    packages,
    services,
    ports: { 'tcp/22': { address: '0.0.0.0', process: 'sshd' } },
  };
}

/** The hash the protocol gives a snapshot: SHA-256 of its canonical JSON. */
export function snapshotHash(snapshot: unknown): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/** A metrics report like the agent's every 30 s: 20 series, one point each. */
export function metricsOf(now: number): MetricsReport {
  const series: MetricsReport['series'] = [
    { name: 'cpu.usage', points: [[now, Math.random() * 100]] },
    { name: 'load.1', points: [[now, Math.random() * 4]] },
    { name: 'mem.used_bytes', points: [[now, 4e9 + Math.random() * 1e9]] },
    { name: 'mem.available_bytes', points: [[now, 3e9]] },
  ];
  for (const mount of ['/', '/var', '/home', '/boot']) {
    series.push({ name: 'fs.used_bytes', labels: { mount }, points: [[now, 1e10 * Math.random()]] });
    series.push({ name: 'fs.size_bytes', labels: { mount }, points: [[now, 5e10]] });
  }
  for (const device of ['vda', 'vdb']) {
    series.push({ name: 'disk.read_bytes', labels: { device }, points: [[now, 1e6 * Math.random()]] });
    series.push({ name: 'disk.write_bytes', labels: { device }, points: [[now, 1e6 * Math.random()]] });
  }
  for (const iface of ['eth0', 'eth1']) {
    series.push({ name: 'net.rx_bytes', labels: { iface }, points: [[now, 1e7 * Math.random()]] });
    series.push({ name: 'net.tx_bytes', labels: { iface }, points: [[now, 1e7 * Math.random()]] });
  }
  return { series };
}

/** Sends one signed POST as `agent` and resolves with the status (0 on a connection error). */
export function signedPost(
  base: URL,
  httpAgent: http.Agent,
  agent: SimulatedAgent | null,
  path: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const raw = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(raw.length) };
  if (agent) {
    const timestamp = String(Date.now());
    const nonce = randomBytes(16).toString('base64url');
    const bodySha256 = createHash('sha256').update(raw).digest('hex');
    const signature = sign(
      null,
      Buffer.from(agentSigningPayload({ method: 'POST', path, timestamp, nonce, bodySha256 })),
      agent.privateKey,
    );
    headers[AGENT_HEADERS.agent] = agent.id;
    headers[AGENT_HEADERS.timestamp] = timestamp;
    headers[AGENT_HEADERS.nonce] = nonce;
    headers[AGENT_HEADERS.signature] = signature.toString('base64url');
    headers[AGENT_HEADERS.idempotencyKey] = randomBytes(12).toString('base64url');
  }
  return new Promise((resolve) => {
    const req = http.request({ host: base.hostname, port: base.port, path, method: 'POST', headers, agent: httpAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(raw);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}
