import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log';
import { createHttpServer, type HttpServer } from './http-server';

/** Sends raw bytes to the listening server and resolves with everything it answers before closing. */
function exchange(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
    socket.end(request);
  });
}

describe('requests Node refuses before Fastify sees them', () => {
  let app: HttpServer;
  let port: number;
  beforeAll(async () => {
    app = await createHttpServer({
      logger: false,
      bodyLimit: 1024,
      rateLimitPerMinute: 1000,
      trustProxy: false,
      version: 'test',
      authenticator: { authenticate: async () => null },
      audit: {} as AuditLog,
      allowedOrigins: [],
    });
    app.get('/api/v1/echo', { config: { public: true } }, async (request) => ({ length: request.url.length }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app?.close());

  it('answers a query string over the 16 KB header limit with a problem+json 431', async () => {
    const res = await exchange(port, `GET /api/v1/echo?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toContain('content-type: application/problem+json');
    expect(res.headers).toContain('x-content-type-options: nosniff');
    expect(JSON.parse(res.body)).toMatchObject({ type: 'urn:estate:problem:headers-too-large', status: 431 });
  });

  it('answers over-long headers and malformed HTTP as problem+json too', async () => {
    const headers = await exchange(port, `GET /api/v1/echo HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(headers.status).toBe(431);
    const garbage = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(garbage.body)).toMatchObject({ type: 'urn:estate:problem:validation', status: 400 });
  });

  it('still serves a long query string under the limit', async () => {
    const res = await exchange(port, `GET /api/v1/echo?q=${'x'.repeat(12_000)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(200);
  });
});
