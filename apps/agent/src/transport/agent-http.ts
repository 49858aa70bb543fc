import http from 'node:http';
import https from 'node:https';

/** A raw HTTP answer: status, lower-cased headers, body bytes. */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Largest answer body the agent reads (1 MiB); the agent's answers are small acknowledgements. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Sends one HTTP(S) request with exactly `body` as its bytes and resolves with the whole answer. Rejects on network
 * errors, on `timeoutMs` without an answer, and on an answer larger than 1 MiB. No redirects are followed.
 */
export function sendRaw(url: URL, method: string, headers: Record<string, string>, body: Buffer, timeoutMs = 30_000): Promise<RawAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        headers: { accept: 'application/json, application/problem+json', ...headers, 'content-length': String(body.length) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(new Error(`The server's answer exceeds ${MAX_ANSWER_BYTES} bytes.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`No answer from ${url.origin} within ${timeoutMs} ms.`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Parses a JSON answer body; undefined when it is empty or not JSON. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
