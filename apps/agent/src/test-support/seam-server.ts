import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AGENT_CLOCK_SKEW_MS,
  AGENT_HEADERS,
  type AgentCheckDefinition,
  type AgentCheckReport,
  type AgentCheckRun,
  type AgentIntervals,
  AgentProtocolRoutes,
  agentSigningPayload,
  applyMergePatch,
  canonicalJson,
  type HostSnapshot,
  type InventoryReport,
  type MetricsReport,
  serverSigningPayload,
} from '@estate/contract';

/*
 * A small stand-in for the Estate server's agent endpoints, for the agent's seam tests and footprint benchmark. It
 * checks what the real server must check (signature over the contract payload, clock skew, nonce replay,
 * idempotency receipts, snapshot bases) with node:crypto directly, and signs its answers with its own Ed25519 key.
 */

/** How the stand-in misbehaves, switchable during a test. */
export type SeamMode = 'normal' | 'down' | 'unsigned' | 'foreign-key' | 'reject-reports' | 'pending';

/** One request the stand-in accepted, in arrival order. */
export interface SeamRequest {
  method: string;
  path: string;
  nonce: string;
  idempotencyKey: string | undefined;
  status: number;
  body: unknown;
}

/** A running stand-in server. */
export interface SeamServer {
  url: string;
  /** The server identity key (SPKI PEM) it hands out at enrollment. */
  serverKey: string;
  mode: SeamMode;
  /** Enrollment tokens it accepts (each once). */
  tokens: Set<string>;
  intervals: AgentIntervals;
  /** Every request that passed the signature check, and the enrollments. */
  requests: SeamRequest[];
  /** Requests refused because their signature, timestamp or nonce was bad. */
  refused: Array<{ path: string; reason: string }>;
  /** The snapshot it holds for the agent, rebuilt from full reports and deltas. */
  snapshot: HostSnapshot | null;
  snapshotHash: string | null;
  /** Metric points received, in arrival order, as `name{labels}` → [time, value][] (resends not added twice). */
  points: Map<string, Array<[number, number]>>;
  /** The last `dropped` the agent reported. */
  dropped: number;
  /** The agent's public key, once enrolled. */
  agentKey: KeyObject | null;
  /** The checks it assigns to the agent, and the version of that list. */
  checks: { version: string; checks: AgentCheckDefinition[] };
  /** Check runs received, in arrival order (resends included: the real server skips them, this one records all). */
  checkRuns: AgentCheckRun[];
  close(): Promise<void>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startSeamServer(options: { intervals?: AgentIntervals } = {}): Promise<SeamServer> {
  const identity = generateKeyPairSync('ed25519');
  const foreign = generateKeyPairSync('ed25519');
  const serverKey = identity.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const seenNonces = new Set<string>();
  const receipts = new Map<string, { status: number; body: unknown }>();
  let agentId: string | null = null;

  const state: Omit<SeamServer, 'close' | 'url'> = {
    serverKey,
    mode: 'normal',
    tokens: new Set(),
    intervals: options.intervals ?? { inventorySeconds: 600, metricsSeconds: 30 },
    requests: [],
    refused: [],
    snapshot: null,
    snapshotHash: null,
    points: new Map(),
    dropped: 0,
    agentKey: null,
    checks: { version: 'none', checks: [] },
    checkRuns: [],
  };

  const answer = (res: http.ServerResponse, nonce: string | null, status: number, body: unknown) => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' };
    if (nonce && state.mode !== 'unsigned') {
      const key = state.mode === 'foreign-key' ? foreign.privateKey : identity.privateKey;
      headers[AGENT_HEADERS.serverSignature] = sign(
        null,
        Buffer.from(serverSigningPayload({ nonce, status, bodySha256: sha256(bytes) })),
        key,
      ).toString('base64url');
    }
    res.writeHead(status, headers).end(bytes);
  };
  const problem = (type: string, status: number, title: string) => ({ type: `urn:estate:problem:${type}`, title, status });

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) => {
    const path = req.url ?? '/';
    const json = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
    if (req.method === 'POST' && path === AgentProtocolRoutes.enrollAgent.path) {
      const request = json as { token: string; publicKey: string };
      if (!state.tokens.delete(request.token)) return answer(res, null, 401, problem('unauthenticated', 401, 'Unknown or used token'));
      state.agentKey = createPublicKey(request.publicKey);
      agentId = randomUUID();
      state.requests.push({ method: 'POST', path, nonce: '', idempotencyKey: undefined, status: 201, body: json });
      const fingerprint = sha256(identity.publicKey.export({ type: 'spki', format: 'der' }));
      return answer(res, null, 201, {
        agentId,
        status: 'active',
        serverKey,
        serverKeyFingerprint: fingerprint,
        intervals: state.intervals,
      });
    }
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const nonce = header(AGENT_HEADERS.nonce) ?? '';
    const timestamp = header(AGENT_HEADERS.timestamp) ?? '';
    const signature = header(AGENT_HEADERS.signature) ?? '';
    const refuse = (reason: string) => {
      state.refused.push({ path, reason });
      return answer(res, nonce || null, 401, problem('unauthenticated', 401, reason));
    };
    if (!state.agentKey || header(AGENT_HEADERS.agent) !== agentId) return refuse('unknown agent');
    const payload = agentSigningPayload({ method: req.method ?? '', path, timestamp, nonce, bodySha256: sha256(raw) });
    if (!verify(null, Buffer.from(payload), state.agentKey, Buffer.from(signature, 'base64url'))) return refuse('bad signature');
    if (Math.abs(Date.now() - Number(timestamp)) > AGENT_CLOCK_SKEW_MS) return refuse('clock skew');
    if (nonce.length < 22 || seenNonces.has(nonce)) return refuse('replayed nonce');
    seenNonces.add(nonce);
    // Like the real server, an unapproved agent is refused before any handler: no receipt is kept.
    if (state.mode === 'pending') return answer(res, nonce, 403, problem('agent-pending', 403, 'Agent awaiting approval'));
    const idempotencyKey = header(AGENT_HEADERS.idempotencyKey);
    const record = (status: number, body: unknown) => {
      state.requests.push({ method: req.method ?? '', path, nonce, idempotencyKey, status, body: json });
      if (idempotencyKey && status < 500) receipts.set(idempotencyKey, { status, body });
      answer(res, nonce, status, body);
    };
    if (idempotencyKey && receipts.has(idempotencyKey)) {
      const first = receipts.get(idempotencyKey) as { status: number; body: unknown };
      return record(first.status, first.body);
    }
    if (state.mode === 'reject-reports' && req.method === 'POST')
      return record(422, problem('validation', 422, 'This report can never be accepted'));
    if (req.method === 'GET' && path === AgentProtocolRoutes.getAgentConfig.path)
      return record(200, { agentId, status: 'active', intervals: state.intervals, serverTime: Date.now() });
    if (req.method === 'POST' && path === AgentProtocolRoutes.reportInventory.path) {
      const report = json as InventoryReport;
      let next: HostSnapshot;
      if (report.kind === 'full') next = report.snapshot;
      else if (report.kind === 'delta' && report.baseHash === state.snapshotHash && state.snapshot)
        next = applyMergePatch(state.snapshot, report.patch) as HostSnapshot;
      else return record(409, problem('snapshot-mismatch', 409, 'Unknown base snapshot'));
      const hash = sha256(Buffer.from(canonicalJson(next)));
      if (hash !== report.hash) return record(400, problem('validation', 400, 'Hash does not match the snapshot'));
      state.snapshot = next;
      state.snapshotHash = hash;
      return record(200, { hash, ciId: null });
    }
    if (req.method === 'GET' && path.split('?')[0] === AgentProtocolRoutes.listAgentChecks.path) {
      const known = new URL(req.url ?? '/', 'http://seam').searchParams.get('version');
      return record(200, { version: state.checks.version, checks: known === state.checks.version ? null : state.checks.checks });
    }
    if (req.method === 'POST' && path === AgentProtocolRoutes.reportAgentChecks.path) {
      const runs = (json as AgentCheckReport).runs;
      state.checkRuns.push(...runs);
      return record(200, { recorded: runs.length, ignored: 0 });
    }
    if (req.method === 'POST' && path === AgentProtocolRoutes.reportMetrics.path) {
      const report = json as MetricsReport;
      let accepted = 0;
      for (const series of report.series) {
        const name = `${series.name}${canonicalJson(series.labels ?? {})}`;
        const points = state.points.get(name) ?? [];
        for (const p of series.points) {
          if (points.some(([at]) => at === p[0])) continue;
          points.push(p);
          accepted++;
        }
        state.points.set(name, points);
      }
      state.dropped = report.dropped ?? state.dropped;
      return record(200, { accepted });
    }
    return record(404, problem('not-found', 404, 'No such route'));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.mode === 'down') return req.socket.destroy();
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const seam = state as SeamServer;
  seam.url = `http://127.0.0.1:${port}`;
  seam.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return seam;
}
