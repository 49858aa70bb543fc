import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installSecurityHeaders, SECURITY_HEADERS, trustworthyOrigin } from './security-headers';

describe('security headers', () => {
  it('calls HTTPS and loopback hosts trustworthy, and plain HTTP on a LAN address not', () => {
    expect(trustworthyOrigin('https', 'estate.example.org')).toBe(true);
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1'])
      expect(trustworthyOrigin('http', host), host).toBe(true);
    for (const host of ['10.0.0.5', 'estate.lan', '[fe80::1]', '192.168.1.10']) expect(trustworthyOrigin('http', host), host).toBe(false);
  });

  it('sends every header on loopback, and all but Cross-Origin-Opener-Policy over plain HTTP elsewhere', async () => {
    const app = Fastify();
    installSecurityHeaders(app);
    app.get('/', async () => 'ok');
    const local = await app.inject({ url: '/', headers: { host: '127.0.0.1:8420' } });
    expect(local.headers['cross-origin-opener-policy']).toBe('same-origin');
    const lan = await app.inject({ url: '/', headers: { host: '10.0.0.5:8420' } });
    expect(lan.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(lan.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
    expect(lan.headers['x-frame-options']).toBe('DENY');
    await app.close();
  });
});
