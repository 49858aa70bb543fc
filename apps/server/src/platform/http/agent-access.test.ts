import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log';
import { createHttpServer } from './http-server';

async function server() {
  return createHttpServer({
    logger: false,
    bodyLimit: 1024,
    rateLimitPerMinute: 1000,
    trustProxy: false,
    version: 'test',
    authenticator: {
      // Would sign in anyone with a cookie or token: agent routes must not even ask.
      authenticate: async () => ({
        userId: 'u',
        email: 'u@example.org',
        role: 'admin',
        permissions: new Set(),
        via: 'token',
        sessionId: null,
        tokenId: 't',
        csrfToken: null,
        mfaEnrolmentRequired: false,
      }),
    },
    audit: {} as AuditLog,
    allowedOrigins: [],
  });
}

describe('agent routes in the access hook', () => {
  it('refuses a request no hook verified, whatever credentials it carries', async () => {
    const app = await server();
    app.post('/api/v1/agent/unguarded', { config: { agent: true } }, async () => ({ reached: true }));
    app.post(
      '/api/v1/agent/verified',
      {
        config: { agent: true },
        preValidation: async (request) => {
          request.agentId = 'agent-1';
        },
      },
      async (request) => ({ agentId: request.agentId, principal: request.principal }),
    );
    await app.ready();
    for (const headers of [{}, { authorization: 'Bearer estate_x' }, { cookie: 'estate_session=abc' }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/agent/unguarded', headers, payload: { a: 1 } });
      expect(res.statusCode, res.body).toBe(401);
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/agent/verified',
      headers: { authorization: 'Bearer estate_x', 'content-type': 'application/json' },
      payload: '{ "b" : 2 }',
    });
    expect(ok.json()).toEqual({ agentId: 'agent-1', principal: null });
    await app.close();
  });

  it('refuses to start with a route that is both an agent route and public or permissioned', async () => {
    const app = await server();
    expect(() => app.get('/api/v1/agent/both', { config: { agent: true, public: true } }, async () => ({}))).toThrow(/agent route/);
    await app.close();
  });
});
