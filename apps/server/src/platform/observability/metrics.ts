import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { HttpServer } from '../http/http-server';

/** The process's Prometheus registry: Node defaults plus HTTP request metrics by route (never by raw URL). */
export function createMetrics(): { registry: Registry; instrument(app: HttpServer): void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'estate_' });
  const duration = new Histogram({
    name: 'estate_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status class',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'estate_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  return {
    registry,
    instrument(app) {
      app.addHook('onResponse', async (request, reply) => {
        const labels = {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: `${Math.floor(reply.statusCode / 100)}xx`,
        };
        duration.observe(labels, reply.elapsedTime / 1000);
        requests.inc(labels);
      });
    },
  };
}
