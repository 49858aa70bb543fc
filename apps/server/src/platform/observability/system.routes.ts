import { Health, Readiness } from '@estate/contract';
import type { Registry } from 'prom-client';
import type { HttpServer } from '../http/http-server';

/** A named readiness check: true when the dependency answers. */
export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

/**
 * `/healthz` (the process is up), `/readyz` (it can serve: the database answers and is migrated) and `/metrics`
 * (Prometheus text; needs the `metrics:read` permission — scrape with an API token).
 */
export function registerSystemRoutes(app: HttpServer, options: { registry: Registry; checks: Record<string, ReadinessCheck> }): void {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Readiness', response: { 200: Readiness, 503: Readiness } } },
    async (_req, reply) => {
      const checks: Record<string, { ok: boolean; detail?: string }> = {};
      for (const [name, check] of Object.entries(options.checks)) {
        try {
          checks[name] = await check();
        } catch (err) {
          checks[name] = { ok: false, detail: (err as Error).message };
        }
      }
      const ready = Object.values(checks).every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  );

  app.get(
    '/metrics',
    { config: { permission: 'metrics:read' }, schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_req, reply) => {
      reply.type(options.registry.contentType);
      return options.registry.metrics();
    },
  );
}
