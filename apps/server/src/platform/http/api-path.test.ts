import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log';
import { isApiPath } from './api-path';
import { createHttpServer, type HttpServer } from './http-server';
import { rawExchange, rawGet } from './raw-http.fixtures';

const API_SPELLINGS = [
  '/API/V1/SETUP',
  '/Api/v1/setup',
  '/api%2Fv1%2Fsetup',
  '/api%2fv1%2fsetup',
  '/%61pi/v1/setup',
  '/%2561pi/v1/setup',
  '/api%252Fv1%252Fsetup',
  '/./api/v1/setup',
  '/x/../api/v1/setup',
  '/x/%2e%2e/API/v1/setup',
  '//api/v1/setup',
  '/api\\v1\\setup',
  '/api;x/v1/setup',
  '/api',
  '/API/',
  '/api/v1/no-such-route',
];
const UI_PATHS = ['/inventory', '/apiary', '/api-keys', '/settings/api', '/cis/x/../y'];

describe('API paths and the web UI fallback', () => {
  it('recognises every spelling of an API path, and nothing else', () => {
    for (const url of API_SPELLINGS) expect(isApiPath(url), url).toBe(true);
    for (const url of [...UI_PATHS, '/', '/%zz', '/apifoo/v1']) expect(isApiPath(url), url).toBe(false);
    expect(isApiPath('/inventory?next=/api/v1/setup')).toBe(false);
  });

  describe('over real HTTP with a built UI', () => {
    let app: HttpServer;
    let port: number;
    let webDir: string;
    beforeAll(async () => {
      webDir = mkdtempSync(path.join(tmpdir(), 'estate-web-'));
      writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Estate UI</title>');
      app = await createHttpServer({
        logger: false,
        bodyLimit: 1024,
        rateLimitPerMinute: 1000,
        trustProxy: false,
        version: 'test',
        webDir,
        authenticator: { authenticate: async () => null },
        audit: {} as AuditLog,
        allowedOrigins: [],
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await app?.close();
      rmSync(webDir, { recursive: true, force: true });
    });

    it('answers any spelling of an API path as the API does (404 problem+json), never with the UI page', async () => {
      for (const url of API_SPELLINGS) {
        const res = await rawExchange(port, rawGet(url));
        expect(res.status, url).toBe(404);
        expect(res.head, url).toContain('content-type: application/problem+json');
        expect(res.body, url).not.toContain('Estate UI');
      }
    });

    it('still answers client-side routes with the UI page', async () => {
      for (const url of UI_PATHS) {
        const res = await rawExchange(port, rawGet(url));
        expect(res.status, url).toBe(200);
        expect(res.body, url).toContain('Estate UI');
      }
    });
  });
});
