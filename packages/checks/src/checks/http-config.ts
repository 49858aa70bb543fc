import http from 'node:http';
import { CheckConfigError } from './check-executor';
import type { HttpCheckAuth } from './http-request';

/** The field `field` of `r` as true or false, or `fallback` when absent; anything else is a {@link CheckConfigError}. */
export function optionalBoolean(r: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new CheckConfigError(field, 'must be true or false');
  return value;
}

/** The field `field` of `r` as a whole number from `min` to `max`, or `fallback` when absent. */
export function optionalInteger(r: Record<string, unknown>, field: string, fallback: number, min: number, max: number): number {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CheckConfigError(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The field `url` as an http(s) URL without credentials; anything else is a {@link CheckConfigError} on `url`. */
export function httpUrlField(r: Record<string, unknown>): URL {
  if (typeof r.url !== 'string') throw new CheckConfigError('url', 'is required');
  let url: URL;
  try {
    url = new URL(r.url);
  } catch {
    throw new CheckConfigError('url', `"${r.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CheckConfigError('url', 'must start with http:// or https://');
  // Credentials in a URL end up in logs and results; auth keeps them apart.
  if (url.username !== '' || url.password !== '') throw new CheckConfigError('url', 'may not hold credentials; use auth');
  return url;
}

/** The field `headers` as an object of valid header names to text values (empty when absent). */
export function headersField(r: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (r.headers === undefined) return headers;
  if (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers)) {
    throw new CheckConfigError('headers', 'must be an object of header names to values');
  }
  for (const [name, value] of Object.entries(r.headers)) {
    if (typeof value !== 'string') throw new CheckConfigError(`headers.${name}`, 'must be text');
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch (err) {
      throw new CheckConfigError(`headers.${name}`, (err as Error).message);
    }
    headers[name] = value;
  }
  return headers;
}

/**
 * The check's authentication: `{type: "basic", username}` with the secret `password`, or `{type: "bearer"}` with the
 * secret `token` (given inline only by callers that hold no stored secrets, such as tests).
 */
export function authField(raw: unknown, secrets: Readonly<Record<string, string>>): HttpCheckAuth | undefined {
  if (raw === undefined) return undefined;
  const a = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const password = secrets.password ?? a.password;
  const token = secrets.token ?? a.token;
  if (a.type === 'basic' && typeof a.username === 'string' && typeof password === 'string') {
    if (a.username.includes(':')) throw new CheckConfigError('auth.username', 'may not contain a colon (basic auth separates with it)');
    return { type: 'basic', username: a.username, password };
  }
  if (a.type === 'bearer' && typeof token === 'string' && token !== '') return { type: 'bearer', token };
  throw new CheckConfigError(
    'auth',
    'must be {type: "basic", username} with the secret password, or {type: "bearer"} with the secret token',
  );
}
