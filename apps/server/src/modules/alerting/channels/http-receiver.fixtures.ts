/*
 * A real HTTP server on 127.0.0.1 for channel tests: it records every request (method, path, headers, body) and
 * answers with whatever the test scripted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { channelNetworkPolicy } from './outbound-http';

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver answers. */
export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (the connection stays open until the client gives up). */
  hang?: boolean;
}

/** A receiver: its base URL, what it got, and how to change its answer. */
export interface HttpReceiver {
  base: string;
  port: number;
  requests: ReceivedRequest[];
  connections(): number;
  answer(next: ScriptedAnswer): void;
  close(): Promise<void>;
}

/** Headers that depend on the connection, not on the channel: left out of recorded requests. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

/** Starts a receiver answering 200 with an empty body until told otherwise, on `port` (default: any free one). */
export async function startReceiver(port = 0): Promise<HttpReceiver> {
  let scripted: ScriptedAnswer = { status: 200 };
  let connections = 0;
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (!TRANSPORT_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') });
      if (scripted.hang) return;
      res.writeHead(scripted.status, scripted.headers ?? {});
      res.end(scripted.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    connections: () => connections,
    answer(next) {
      scripted = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The channels' policy with loopback allowed, as tests against a local receiver need. */
export const LOOPBACK_ALLOWED = channelNetworkPolicy({ classes: ['loopback'] });
