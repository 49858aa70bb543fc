/*
 * A stand-in for a metrics backend's HTTP side, on a loopback port: it records every request (method, path, query,
 * headers, body bytes) and answers from a script, for the cases a real backend will not produce on demand
 * (a 503, a 401, a proxy's HTML page, a redirect). Peers tests use the real VictoriaMetrics and Prometheus.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One scripted answer. */
export interface ScriptedAnswer {
  status: number;
  /** Never answer (until the server closes): a backend that blackholes requests. */
  hang?: boolean;
  body?: string;
  headers?: Record<string, string>;
}

export interface ScriptedBackend {
  base: string;
  requests: RecordedRequest[];
  /** Answers to give, in order; the last one is repeated once the others are used. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startScriptedBackend(): Promise<ScriptedBackend> {
  const requests: RecordedRequest[] = [];
  let answers: ScriptedAnswer[] = [{ status: 204 }];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://backend');
      const body = Buffer.concat(chunks);
      const query =
        req.headers['content-type'] === 'application/x-www-form-urlencoded' ? new URLSearchParams(body.toString()) : url.searchParams;
      requests.push({ method: req.method ?? '', path: url.pathname, query, headers: req.headers, body });
      const answer = (answers.length > 1 ? answers.shift() : answers[0]) as ScriptedAnswer;
      if (answer.hang) return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    script: (...next) => {
      answers = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
