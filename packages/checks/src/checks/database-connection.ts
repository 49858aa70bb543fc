import net from 'node:net';
import { CheckConfigError } from './check-executor';
import { addressRefusal, type CheckNetworkPolicy, DestinationRefusedError, guardedLookup } from './outbound-connection';

/**
 * What the database check types (postgres-check.ts, mysql-check.ts, redis-check.ts) share: a socket that reaches its
 * server only through the outbound policy, configuration helpers, and keeping a password out of every message.
 */

/** A socket for one database connection, not yet connected, and what it reached. */
export interface GuardedSocket {
  socket: net.Socket;
  /** The address the socket reached, once connected. */
  address(): string | undefined;
  /** Starts connecting (what drivers that are handed the socket need). */
  connect(): void;
  /** Milliseconds from `connect()` to the TCP connection (DNS included), once connected. */
  connectMs(): number | undefined;
}

/**
 * A socket whose `connect()` (with or without arguments: drivers call `connect(port, host)`) goes to `host:port`
 * through the policy: the name resolved by the policy's resolver, refused addresses never connected to, and the
 * address reached checked again. A refused destination is an `error` event with a {@link DestinationRefusedError}.
 * The caller checks {@link literalRefusal} first (Node does not call `lookup` for an address literal).
 */
export function guardedSocket(host: string, port: number, policy: CheckNetworkPolicy): GuardedSocket {
  const socket = new net.Socket();
  let address: string | undefined;
  let started: number | undefined;
  let connectedAt: number | undefined;
  const connect = socket.connect.bind(socket) as (options: net.TcpSocketConnectOpts) => net.Socket;
  socket.connect = (() => {
    started = performance.now();
    return connect({ host, port, lookup: guardedLookup(policy, () => {}) });
  }) as typeof socket.connect;
  socket.once('connect', () => {
    connectedAt = performance.now();
    address = socket.remoteAddress;
    const refusal = address ? addressRefusal(address, policy) : null;
    if (refusal) socket.destroy(new DestinationRefusedError(host, address!, refusal));
  });
  return {
    socket,
    connect: () => socket.connect(port, host),
    address: () => address,
    connectMs: () => (connectedAt === undefined || started === undefined ? undefined : connectedAt - started),
  };
}

/** Replaces every occurrence of `secret` in `text` (a driver's message could echo what it was given). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***');
}

/** The raw configuration as a record, or a {@link CheckConfigError}. */
export function configRecord(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckConfigError('config', 'must be an object');
  return raw as Record<string, unknown>;
}

/** The `host` field: required, trimmed, IPv6 literals without their brackets. */
export function hostField(r: Record<string, unknown>): string {
  if (typeof r.host !== 'string' || r.host.trim() === '') throw new CheckConfigError('host', 'a host name or address is required');
  return r.host.trim().replace(/^\[(.*)\]$/, '$1');
}

/** The `port` field, or `fallback` when absent. */
export function portField(r: Record<string, unknown>, fallback: number): number {
  if (r.port === undefined) return fallback;
  if (typeof r.port !== 'number' || !Number.isInteger(r.port) || r.port < 1 || r.port > 65_535) {
    throw new CheckConfigError('port', 'must be a whole number from 1 to 65535');
  }
  return r.port;
}

/** An optional non-empty text field. */
export function optionalText(r: Record<string, unknown>, field: string): string | undefined {
  const value = r[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new CheckConfigError(field, 'must be non-empty text');
  return value;
}

/** The password among the secrets (or, for callers holding no stored secrets, inline), or undefined. */
export function passwordSecret(r: Record<string, unknown>, secrets: Readonly<Record<string, string>>): string | undefined {
  const password = secrets.password ?? r.password;
  if (password !== undefined && typeof password !== 'string') throw new CheckConfigError('password', 'must be text');
  return password;
}

/** `host:port` for people, IPv6 literals bracketed. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A database value as the text `[BODY]` compares: numbers and text as they are, dates in ISO form, rest as JSON. */
export function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return JSON.stringify(value);
}

/** Cuts `text` to `max` characters, for `[BODY]`. */
export function capText(text: string | undefined, max: number): string | undefined {
  return text === undefined || text.length <= max ? text : text.slice(0, max);
}
