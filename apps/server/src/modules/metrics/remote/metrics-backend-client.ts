/*
 * HTTP to a Prometheus-compatible metrics backend (ADR 0019): its PromQL API and its remote_write endpoint, with
 * the operator's credentials, a timeout on every request and no redirects followed (a credential must not follow
 * one to another host). The backend is the operator's own configuration, not a destination a user chose, so the
 * outbound SSRF policy that guards checks and webhooks does not apply to it. Errors name the backend by its
 * redacted base URL and never carry the Authorization header.
 */
import type { MetricsBackendTarget } from '../../../platform/config/metrics-backend';

/**
 * The backend could not be reached or answered something that is not an answer (a proxy's 502, a redirect, a 401).
 * Its `statusCode` makes an HTTP request that fails on it a 503 problem (an agent keeps its report and retries).
 */
export class MetricsBackendUnavailableError extends Error {
  override readonly name = 'MetricsBackendUnavailableError';
  readonly statusCode = 503;
}

/** The backend refused a request for a reason a retry cannot mend (401, 403, 404, 413). */
export class MetricsBackendRefusedError extends Error {
  override readonly name = 'MetricsBackendRefusedError';
}

/** How the client talks to the backend. */
export interface MetricsBackendClientOptions {
  /** `Estate/<version>`, sent as User-Agent. */
  userAgent: string;
  /** Longest wait for one query, in ms (default 30 s). */
  timeoutMs?: number;
  /**
   * Longest wait for one remote_write request, in ms (default 10 s): shorter, as an agent's report waits for it
   * inside its database transaction.
   */
  writeTimeoutMs?: number;
  /** The fetch to use; tests pass a scripted one. */
  fetch?: typeof fetch;
}

/** One answer of the backend, read whole. */
export interface BackendResponse {
  status: number;
  /** The body as text, for error messages and JSON. */
  text: string;
}

/** The backend's own text in an error message: one line, at most 300 characters. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Requests to one metrics backend. */
export class MetricsBackendClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly writeTimeoutMs: number;

  constructor(
    readonly target: MetricsBackendTarget,
    private readonly options: MetricsBackendClientOptions,
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
  }

  /** The backend as it is named in messages: its base URL, without credentials. */
  get name(): string {
    return this.target.baseUrl;
  }

  /** GET `<baseUrl><path>?<params>`. Throws MetricsBackendUnavailableError when no HTTP answer came back. */
  get(path: string, params: URLSearchParams): Promise<BackendResponse> {
    const query = params.toString();
    return this.send(`${this.target.baseUrl}${path}${query ? `?${query}` : ''}`, { method: 'GET' }, this.timeoutMs);
  }

  /** POST `<baseUrl><path>` with the parameters as a form body (no length limit of a URL). */
  postForm(path: string, params: URLSearchParams): Promise<BackendResponse> {
    return this.send(
      `${this.target.baseUrl}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      },
      this.timeoutMs,
    );
  }

  /** POSTs one remote_write 1.0 request (protobuf, snappy-compressed) to the write URL. */
  write(body: Uint8Array): Promise<BackendResponse> {
    return this.send(
      this.target.writeUrl,
      {
        method: 'POST',
        headers: {
          'content-encoding': 'snappy',
          'content-type': 'application/x-protobuf',
          'x-prometheus-remote-write-version': '0.1.0',
        },
        body,
      },
      this.writeTimeoutMs,
    );
  }

  private async send(
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array },
    timeoutMs: number,
  ) {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...init.headers };
    if (this.target.authorization) headers.authorization = this.target.authorization;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: init.method,
        headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new MetricsBackendUnavailableError(`metrics backend ${this.name} is unavailable: ${reasonOf(err, timeoutMs)}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw new MetricsBackendUnavailableError(`metrics backend ${this.name} is unavailable: ${reasonOf(err, timeoutMs)}`);
    }
    if (response.status >= 300 && response.status < 400) {
      throw new MetricsBackendUnavailableError(
        `metrics backend ${this.name} answered a redirect (HTTP ${response.status}), which Estate does not follow: set the final address in ESTATE_METRICS_URL`,
      );
    }
    return { status: response.status, text };
  }
}

/** Why a request failed, in words: the socket's error code when there is one, never a stack. */
function reasonOf(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = error?.cause;
  if (cause?.code) return cause.code;
  return cause?.message ?? error?.message ?? String(err);
}

/** A Prometheus API answer: success with its data, or the backend's own error envelope and HTTP status. */
export type Envelope =
  | { status: 'success'; data: unknown; warnings?: string[] }
  | { status: 'error'; errorType: string; error: string; httpStatus: number };

/**
 * Reads a Prometheus API envelope from a backend's answer. Anything else (HTML from a proxy, a 401 page, a 404 for
 * a wrong path) throws MetricsBackendUnavailableError with the HTTP status and the start of the body.
 */
export function envelopeOf(client: MetricsBackendClient, response: BackendResponse): Envelope {
  let body: { status?: unknown; data?: unknown; warnings?: unknown; errorType?: unknown; error?: unknown } | undefined;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = undefined;
  }
  if (body?.status === 'success' && response.status < 300) {
    const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : undefined;
    return { status: 'success', data: body.data, ...(warnings && warnings.length > 0 ? { warnings } : {}) };
  }
  if (body?.status === 'error' && typeof body.error === 'string') {
    const errorType = typeof body.errorType === 'string' && body.errorType !== '' ? body.errorType : 'execution';
    return { status: 'error', errorType, error: body.error, httpStatus: response.status };
  }
  throw new MetricsBackendUnavailableError(
    `metrics backend ${client.name} answered HTTP ${response.status} without a Prometheus API answer: ${excerpt(response.text) || '(empty body)'}`,
  );
}
