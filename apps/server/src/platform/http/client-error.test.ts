import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log';
import { createHttpServer, type HttpServer } from './http-server';
import { rawExchange as exchange, rawGet } from './raw-http.fixtures';

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
    const res = await exchange(port, rawGet(`/api/v1/echo?q=${'x'.repeat(20_000)}`));
    expect(res.status).toBe(431);
    expect(res.head).toContain('content-type: application/problem+json');
    expect(res.head).toContain('x-content-type-options: nosniff');
    expect(JSON.parse(res.body)).toMatchObject({ type: 'urn:estate:problem:headers-too-large', status: 431 });
  });

  it('answers over-long headers and malformed HTTP as problem+json too', async () => {
    const headers = await exchange(port, rawGet('/api/v1/echo', `X-Big: ${'y'.repeat(20_000)}\r\n`));
    expect(headers.status).toBe(431);
    const garbage = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.head).toContain('content-type: application/problem+json');
    expect(JSON.parse(garbage.body)).toMatchObject({ type: 'urn:estate:problem:validation', status: 400 });
  });

  it('still serves a long query string under the limit', async () => {
    const res = await exchange(port, rawGet(`/api/v1/echo?q=${'x'.repeat(12_000)}`));
    expect(res.status).toBe(200);
  });
});
