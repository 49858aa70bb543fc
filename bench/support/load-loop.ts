import { Worker } from 'node:worker_threads';

/** What to send: `requests` GETs to one URL, `concurrency` at a time over keep-alive connections. */
export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Requests sent (and discarded) before measuring, to warm the JIT and open the connections. */
  warmup: number;
  requests: number;
  concurrency: number;
  /** Hard limit on the measured phase; the run stops early (and says so) when it is reached. */
  timeoutMs: number;
}

/** The measured phase of one load run. Latencies are milliseconds, from writing the request to the last body byte. */
export interface LoadResult {
  completed: number;
  elapsedMs: number;
  requestsPerSecond: number;
  /** Responses by HTTP status; 0 counts connection errors. */
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  timedOut: boolean;
  firstError: string | null;
}

// Runs in a worker thread, so the load generator has its own event loop (and core) and does not steal time from
// the server under test on the main thread. Plain CommonJS because eval'd workers are not transpiled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, headers, warmup, requests, concurrency, timeoutMs } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'GET', headers, agent },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, error: null }));
        res.on('error', (err) => resolve({ status: 0, ms: performance.now() - started, error: err.message }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - started, error: err.message }));
    req.end();
  });
}

async function phase(total, limitMs) {
  const latencies = new Float64Array(total);
  const statuses = {};
  let next = 0;
  let completed = 0;
  let firstError = null;
  let timedOut = false;
  const deadline = performance.now() + limitMs;
  async function lane() {
    while (next < total) {
      if (performance.now() > deadline) { timedOut = true; return; }
      next += 1;
      const r = await once();
      latencies[completed] = r.ms;
      completed += 1;
      statuses[r.status] = (statuses[r.status] || 0) + 1;
      if (r.error && !firstError) firstError = r.error;
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsedMs = performance.now() - t0;
  const sorted = Array.from(latencies.subarray(0, completed)).sort((a, b) => a - b);
  const pick = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  return {
    completed, elapsedMs, requestsPerSecond: completed / (elapsedMs / 1000), statuses,
    p50Ms: pick(0.5), p99Ms: pick(0.99), timedOut, firstError,
  };
}

(async () => {
  await phase(warmup, timeoutMs);
  const result = await phase(requests, timeoutMs);
  agent.destroy();
  parentPort.postMessage(result);
})().catch((err) => { throw err; });
`;

/**
 * Sends a bounded HTTP/1.1 load (warm-up, then `requests` measured requests) from a worker thread of this process
 * and reports throughput and latency. Never exceeds `requests` + `warmup` requests or about 2 × `timeoutMs`; meant
 * for loopback targets only.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = new URL(options.url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    return Promise.reject(new Error(`Load runs only against loopback, not ${host}.`));
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { headers: {}, ...options } });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`The load worker exited with code ${code}.`));
    });
  });
}
