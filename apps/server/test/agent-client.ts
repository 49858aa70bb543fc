import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import {
  AGENT_HEADERS,
  agentSigningPayload,
  canonicalJson,
  type EnrollResponse,
  type HostSnapshot,
  serverSigningPayload,
} from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import type { TestEstate } from './harness';

let enrollments = 0;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The canonical hash of a snapshot, as an agent reports it. */
export function snapshotHash(snapshot: unknown): string {
  return sha256(canonicalJson(snapshot));
}

/** How to tamper with one signed request, for tests of refusals. */
export interface SignOptions {
  /** Signs at this time instead of now (a skewed clock). */
  timestamp?: number;
  /** Uses this nonce instead of a fresh one (a replay). */
  nonce?: string;
  /** Sends these bytes while signing `body` (a tampered body). */
  sentBody?: string;
  /** Signs with another key. */
  key?: KeyObject;
  /** Claims to be another agent. */
  agentId?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/**
 * A minimal host agent for tests, built from node:crypto and the contract's signing functions only: its own
 * Ed25519 key pair, enrollment, signed requests through `fastify.inject`, and checks of the server's signatures.
 */
export class TestAgentClient {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  agentId = '';
  serverKey: KeyObject | null = null;
  /** The nonce of the last signed request, to check the answer's signature against. */
  lastNonce = '';

  constructor(private readonly t: TestEstate) {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * Sends an enrollment (from a new client address each time unless given, so the per-address rate limit of
   * enrollment does not interfere); on 201 remembers the agent id and pins the server key.
   */
  async enroll(token: string, extra: Record<string, unknown> = {}, remoteAddress?: string): Promise<LightMyRequestResponse> {
    enrollments++;
    remoteAddress ??= `10.8.${(enrollments >> 8) & 255}.${enrollments & 255}`;
    const res = await this.t.estate.http.inject({
      method: 'POST',
      url: '/api/v1/agent/enroll',
      remoteAddress,
      payload: { token, publicKey: this.publicKeyPem, hostname: 'host-under-test', version: '0.1.0', os: 'Debian 12', ...extra },
    });
    if (res.statusCode === 201) {
      const body = res.json() as EnrollResponse;
      this.agentId = body.agentId;
      this.serverKey = createPublicKey(body.serverKey);
    }
    return res;
  }

  /** The headers of a request signed over `body`'s exact bytes (undefined: no body), with optional tampering. */
  signedHeaders(method: string, url: string, body: string | Buffer | undefined, options: SignOptions = {}): Record<string, string> {
    const timestamp = String(options.timestamp ?? Date.now());
    const nonce = options.nonce ?? randomBytes(16).toString('base64url');
    this.lastNonce = nonce;
    const payload = agentSigningPayload({ method, path: url, timestamp, nonce, bodySha256: sha256(body ?? '') });
    return {
      [AGENT_HEADERS.agent]: options.agentId ?? this.agentId,
      [AGENT_HEADERS.timestamp]: timestamp,
      [AGENT_HEADERS.nonce]: nonce,
      [AGENT_HEADERS.signature]: sign(null, Buffer.from(payload), options.key ?? this.privateKey).toString('base64url'),
      ...(options.idempotencyKey ? { [AGENT_HEADERS.idempotencyKey]: options.idempotencyKey } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
  }

  /** Sends a request signed as the contract says, with optional tampering. */
  request(method: 'GET' | 'POST', url: string, body?: unknown, options: SignOptions = {}): Promise<LightMyRequestResponse> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = this.signedHeaders(method, url, text, options);
    return this.t.estate.http.inject({
      method,
      url,
      headers,
      remoteAddress: '10.9.0.1',
      ...(body === undefined ? {} : { payload: options.sentBody ?? text }),
    });
  }

  /** Whether an answer carries a valid server signature for the request with `nonce`, by the pinned key. */
  answerVerifies(res: LightMyRequestResponse, nonce = this.lastNonce): boolean {
    const signature = res.headers[AGENT_HEADERS.serverSignature];
    if (typeof signature !== 'string' || !this.serverKey) return false;
    const payload = serverSigningPayload({ nonce, status: res.statusCode, bodySha256: sha256(res.rawPayload) });
    return verify(null, Buffer.from(payload), this.serverKey, Buffer.from(signature, 'base64url'));
  }

  /** Sends a full inventory report of `snapshot`. */
  sendFull(snapshot: HostSnapshot, options: SignOptions = {}): Promise<LightMyRequestResponse> {
    return this.request(
      'POST',
      '/api/v1/agent/inventory',
      { kind: 'full', collectedAt: Date.now(), hash: snapshotHash(snapshot), snapshot },
      options,
    );
  }
}

/** A plausible host snapshot; `overrides` replace top-level members. */
export function sampleSnapshot(overrides: Partial<HostSnapshot> = {}): HostSnapshot {
  return {
    hostname: 'web-01',
    fqdn: 'web-01.example.org',
    machineId: '4c4c4544004e3810804bb4c04f4b3232',
    system: { manufacturer: 'Dell Inc.', model: 'PowerEdge R640', serial: 'SN-AGENT-1', virtualization: 'none' },
    cpu: { model: 'Intel Xeon Gold 6130', cores: 16, architecture: 'x64' },
    memoryBytes: 64 * 1024 ** 3,
    os: { name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0-13-amd64', codename: 'bookworm' },
    interfaces: {
      eth0: { mac: '52:54:00:12:34:56', addresses: ['10.0.0.21/24', 'fe80::5054:ff:fe12:3456/64'], speedMbps: 10000 },
      lo: { addresses: ['127.0.0.1/8', '::1/128'], virtual: true },
      docker0: { mac: '02:42:ac:11:00:01', addresses: ['172.17.0.1/16'], virtual: true },
    },
    disks: { sda: { sizeBytes: 480 * 1024 ** 3, model: 'SAMSUNG MZ7LH480', type: 'SSD' } },
    filesystems: { '/': { device: '/dev/sda1', fsType: 'ext4', sizeBytes: 450 * 1024 ** 3 } },
    packages: { openssl: { version: '3.0.11-1~deb12u1', arch: 'amd64' }, nginx: { version: '1.22.1-9', arch: 'amd64' } },
    services: {
      'nginx.service': { state: 'running', enabled: true },
      'cron.service': { state: 'running' },
      'foo.service': { state: 'failed' },
    },
    ports: { 'tcp/22': { process: 'sshd' }, 'tcp/443': { address: '0.0.0.0', process: 'nginx' } },
    bootTime: 1_700_000_000_000,
    ...overrides,
  };
}
