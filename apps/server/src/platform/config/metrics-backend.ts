/*
 * Where metrics go when they do not stay in the primary database (ADR 0019): `ESTATE_METRICS_URL` names a
 * Prometheus-compatible backend (VictoriaMetrics, Prometheus, Mimir) that takes remote_write and answers PromQL.
 * Credentials come from the URL's user-info (basic auth) or `ESTATE_METRICS_BEARER_TOKEN`; they are moved into an
 * Authorization header here and never appear in the URLs the rest of Estate sees, logs or puts in error messages.
 */
import { ConfigError } from './config-error';

/** A validated metrics backend. */
export interface MetricsBackendTarget {
  /** The PromQL HTTP API's base, without user-info or a trailing slash, e.g. `http://127.0.0.1:8428`. Safe to show. */
  baseUrl: string;
  /** Where remote_write requests go: `ESTATE_METRICS_WRITE_URL`, or `<baseUrl>/api/v1/write`. Safe to show. */
  writeUrl: string;
  /** The Authorization header sent with every request, or undefined. A secret: never log it. */
  authorization: string | undefined;
}

/** The configuration keys this reads. */
export interface MetricsBackendSettings {
  metricsUrl: string | undefined;
  metricsWriteUrl: string | undefined;
  metricsBearerToken: string | undefined;
}

/** A URL as it may be shown: no user-info, no query string. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function parseHttpUrl(env: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text is not echoed: a mistyped URL can still hold a password.
    throw new ConfigError(
      `${env} is not a valid URL. Use the backend's base URL, e.g. http://127.0.0.1:8428 (VictoriaMetrics) or http://127.0.0.1:9090 (Prometheus).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${env} must start with http:// or https://; got ${url.protocol}//.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${env} must not have a query string or fragment (${redactUrl(url)}).`);
  }
  return url;
}

const withoutTrailingSlash = (text: string) => text.replace(/\/+$/, '');

/**
 * The metrics backend the settings name, or undefined when `ESTATE_METRICS_URL` is not set (the embedded store).
 * Throws a ConfigError naming the variable and the fix; no message repeats a credential.
 */
export function metricsBackendOf(settings: MetricsBackendSettings): MetricsBackendTarget | undefined {
  const { metricsUrl, metricsWriteUrl, metricsBearerToken } = settings;
  if (metricsUrl === undefined) {
    const stray =
      metricsWriteUrl !== undefined ? 'ESTATE_METRICS_WRITE_URL' : metricsBearerToken !== undefined ? 'ESTATE_METRICS_BEARER_TOKEN' : '';
    if (stray) throw new ConfigError(`${stray} needs ESTATE_METRICS_URL: set the backend's base URL, or unset ${stray}.`);
    return undefined;
  }
  const base = parseHttpUrl('ESTATE_METRICS_URL', metricsUrl);
  let authorization: string | undefined;
  if (base.username !== '' || base.password !== '') {
    if (metricsBearerToken !== undefined) {
      throw new ConfigError(
        'ESTATE_METRICS_URL carries a user name and password and ESTATE_METRICS_BEARER_TOKEN is set too: use one of them.',
      );
    }
    const user = decodeURIComponent(base.username);
    const password = decodeURIComponent(base.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  } else if (metricsBearerToken !== undefined) {
    if (/[\s]/.test(metricsBearerToken)) throw new ConfigError('ESTATE_METRICS_BEARER_TOKEN must not contain white space.');
    authorization = `Bearer ${metricsBearerToken}`;
  }
  const baseUrl = withoutTrailingSlash(redactUrl(base));
  let writeUrl = `${baseUrl}/api/v1/write`;
  if (metricsWriteUrl !== undefined) {
    const write = parseHttpUrl('ESTATE_METRICS_WRITE_URL', metricsWriteUrl);
    if (write.username !== '' || write.password !== '') {
      throw new ConfigError(
        'ESTATE_METRICS_WRITE_URL must not carry credentials: they are taken from ESTATE_METRICS_URL or ESTATE_METRICS_BEARER_TOKEN.',
      );
    }
    writeUrl = withoutTrailingSlash(redactUrl(write));
  }
  return { baseUrl, writeUrl, authorization };
}
