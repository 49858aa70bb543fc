import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls, { type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckOutcome, type CheckType, concludeRun, parseCheckConditions } from './check-executor';
import {
  addressRefusal,
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  describeConnectionError,
  guardedLookup,
  literalRefusal,
} from './outbound-connection';

/** Whom a TLS handshake trusts and for which name; shared by the TLS check and the mail banner checks. */
export interface TlsTrust {
  /** The name sent as SNI and checked against the certificate (default the host when it is a name). */
  serverName?: string;
  /** Whether an untrusted chain or a name mismatch fails the check (it is reported either way). */
  verify: boolean;
  /** Extra CAs trusted besides the system's, as PEM text. */
  caPem?: string;
}

/** A TLS check's configuration after validation. */
export interface TlsCheckConfig extends TlsTrust {
  host: string;
  port: number;
  conditionSources: string[];
  conditions: Condition[];
}

/** What the handshake showed of the peer, for an outcome's details. */
export interface TlsPeerDetails {
  protocol?: string;
  cipher?: string;
  subject?: string;
  issuer?: string;
  subjectAltNames: string[];
  validFrom?: string;
  validTo?: string;
  /** Certificates from the peer's up to the root, as the chain was built. */
  chainLength: number;
  authorized: boolean;
  /** Why the peer is not trusted (OpenSSL's words, or the name mismatch), when it is not. */
  authorizationError?: string;
}

/** What one handshake found; never an exception. The socket is open when the handshake succeeded. */
export interface TlsHandshake {
  socket?: TLSSocket;
  address?: string;
  error?: unknown;
  peer?: TlsPeerDetails;
  /** Epoch ms at which the peer's certificate expires. */
  validToMs?: number;
  timings: { dnsMs?: number; connectMs?: number; tlsMs?: number };
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'CERTIFICATE_EXPIRATION', 'RESPONSE_TIME', 'IP'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true', '[CERTIFICATE_EXPIRATION] > 168h'];

/** OpenSSL's words for the verification errors Node reports only by code. */
const VERIFY_ERRORS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_REVOKED: 'certificate revoked',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  INVALID_CA: 'invalid CA certificate',
  INVALID_PURPOSE: 'unsupported certificate purpose',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
};

/** Validates the shared TLS fields: `serverName`, `verify`, `caPem`. */
export function validateTlsTrust(r: Record<string, unknown>): TlsTrust {
  if (r.serverName !== undefined && (typeof r.serverName !== 'string' || r.serverName.trim() === '' || net.isIP(r.serverName) !== 0)) {
    throw new CheckConfigError('serverName', 'must be a host name (SNI carries no addresses)');
  }
  if (r.verify !== undefined && typeof r.verify !== 'boolean') throw new CheckConfigError('verify', 'must be true or false');
  let caPem: string | undefined;
  if (r.caPem !== undefined) {
    const blocks = typeof r.caPem === 'string' ? r.caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) : null;
    if (!blocks) throw new CheckConfigError('caPem', 'must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----)');
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch (err) {
        throw new CheckConfigError('caPem', `holds a certificate that does not parse: ${(err as Error).message}`);
      }
    }
    caPem = blocks.join('\n');
  }
  return { serverName: (r.serverName as string | undefined)?.trim(), verify: (r.verify as boolean | undefined) ?? true, caPem };
}

function validate(raw: unknown): TlsCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.host !== 'string' || r.host.trim() === '') throw new CheckConfigError('host', 'a host name or address is required');
  const host = r.host.trim().replace(/^\[(.*)\]$/, '$1');
  const port = r.port ?? 443;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new CheckConfigError('port', 'must be a whole number from 1 to 65535');
  }
  const minDays = r.minDaysValid;
  if (minDays !== undefined && (typeof minDays !== 'number' || !Number.isInteger(minDays) || minDays < 0 || minDays > 3650)) {
    throw new CheckConfigError('minDaysValid', 'must be a whole number of days from 0 to 3650');
  }
  // minDaysValid sets the expiry threshold of the defaults, or adds one to the conditions given.
  const expiry = minDays === undefined ? undefined : `[CERTIFICATE_EXPIRATION] > ${minDays}d`;
  const given = Array.isArray(r.conditions) && r.conditions.length > 0 ? r.conditions : undefined;
  const defaults = expiry ? ['[CONNECTED] == true', expiry] : DEFAULT_CONDITIONS;
  const { sources, parsed } = parseCheckConditions(given && expiry ? [...given, expiry] : r.conditions, PLACEHOLDERS, defaults);
  return { host, port, ...validateTlsTrust(r), conditionSources: sources, conditions: parsed };
}

function nameOf(entity: Record<string, string | string[]> | undefined): string | undefined {
  if (!entity) return undefined;
  return Object.entries(entity)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

/** Reads the peer's certificate and the session after a handshake; `identityError` is the name check's verdict. */
function inspect(socket: TLSSocket, identityError: Error | undefined): { peer: TlsPeerDetails; validToMs?: number } {
  const cert = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  let chainLength = 0;
  for (let c: DetailedPeerCertificate | undefined = cert; c?.raw; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) {
    chainLength++;
  }
  const code = socket.authorizationError as unknown as string | undefined;
  const why = identityError ? identityError.message : code ? (VERIFY_ERRORS[code] ?? code) : undefined;
  return {
    peer: {
      protocol: socket.getProtocol() ?? undefined,
      cipher: socket.getCipher()?.name,
      subject: nameOf(cert?.subject as unknown as Record<string, string>),
      issuer: nameOf(cert?.issuer as unknown as Record<string, string>),
      subjectAltNames: cert?.subjectaltname ? cert.subjectaltname.split(', ') : [],
      validFrom: cert?.valid_from ? new Date(cert.valid_from).toISOString() : undefined,
      validTo: cert?.valid_to ? new Date(cert.valid_to).toISOString() : undefined,
      chainLength,
      authorized: socket.authorized,
      authorizationError: why === undefined ? undefined : `${why}${code ? ` (${code})` : ''}`,
    },
    validToMs: cert?.valid_to ? Date.parse(cert.valid_to) : undefined,
  };
}

/**
 * Completes a TLS handshake, on a new connection to host:port through the outbound policy or, for STARTTLS, on
 * `socket`. Resolves, never rejects; an untrusted peer is not an error here (see `peer.authorized`), the caller
 * decides with `trust.verify`. Stops when `signal` aborts (the error is then the signal's reason).
 */
export function tlsHandshake(
  target: { host: string; port: number; socket?: net.Socket },
  trust: TlsTrust,
  policy: CheckNetworkPolicy,
  signal: AbortSignal,
): Promise<TlsHandshake> {
  const started = performance.now();
  const marks: { dns?: number; connect?: number; tls?: number } = {};
  const timings = () => ({
    dnsMs: marks.dns === undefined ? undefined : marks.dns - started,
    connectMs: marks.connect === undefined ? undefined : marks.connect - (marks.dns ?? started),
    tlsMs: marks.tls === undefined ? undefined : marks.tls - (marks.connect ?? started),
  });
  const { host, port } = target;
  if (!target.socket) {
    const refused = literalRefusal(host, policy);
    if (refused) return Promise.resolve({ error: refused, timings: timings() });
  }
  if (signal.aborted) return Promise.resolve({ error: signal.reason, timings: timings() });
  const serverName = trust.serverName ?? (net.isIP(host) === 0 ? host : undefined);
  let identityError: Error | undefined;
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      ...(target.socket ? { socket: target.socket } : { host, port, lookup: guardedLookup(policy, () => (marks.dns = performance.now())) }),
      servername: serverName,
      // Verification is judged after the handshake, so an untrusted peer's certificate can still be reported.
      rejectUnauthorized: false,
      ca: trust.caPem ? [...tls.rootCertificates, trust.caPem] : undefined,
      checkServerIdentity: (_name, cert) => {
        identityError = tls.checkServerIdentity(serverName ?? host, cert);
        return identityError;
      },
    });
    const address = () => socket.remoteAddress ?? target.socket?.remoteAddress;
    const finish = (result: Omit<TlsHandshake, 'timings' | 'address'>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (!result.socket) socket.destroy();
      resolve({ ...result, address: address(), timings: timings() });
    };
    const onAbort = () => finish({ error: signal.reason });
    signal.addEventListener('abort', onAbort, { once: true });
    if (target.socket) marks.connect = started;
    socket.once('connect', () => {
      marks.connect = performance.now();
      // The lookup handed on only allowed addresses; this guards the address the socket actually reached.
      const reached = socket.remoteAddress;
      const refusal = reached ? addressRefusal(reached, policy) : null;
      if (refusal) finish({ error: new DestinationRefusedError(host, reached as string, refusal) });
    });
    socket.once('secureConnect', () => {
      marks.tls = performance.now();
      finish({ socket, ...inspect(socket, identityError) });
    });
    socket.on('error', (error) => finish({ error }));
    socket.once('close', () => finish({ error: new Error('the connection closed during the TLS handshake') }));
  });
}

/** Why a finished handshake fails `trust`, or undefined: untrusted peers fail only when verification is on. */
export function untrustedReason(handshake: TlsHandshake, trust: TlsTrust, host: string): string | undefined {
  if (!trust.verify || !handshake.peer || handshake.peer.authorized) return undefined;
  return `TLS error with ${host}: ${handshake.peer.authorizationError ?? 'the certificate is not trusted'}`;
}

/**
 * The TLS check: completes a handshake with host:port through the outbound policy and reports the peer's
 * certificate and the session (protocol, cipher, chain). With `verify` (the default) an untrusted chain or a name
 * mismatch is down with OpenSSL's reason. `[CERTIFICATE_EXPIRATION]` is the time left on the peer's certificate.
 */
export function tlsCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<TlsCheckConfig> {
  return {
    type: 'tls',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    validate,
    target: (config) => (config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`),
    async run(config, signal): Promise<CheckOutcome> {
      const startedAt = performance.now();
      const result = await tlsHandshake(config, config, policy, signal);
      result.socket?.destroy();
      const responseTimeMs = performance.now() - startedAt;
      const details: Record<string, unknown> = {
        address: result.address,
        ...result.peer,
        timings: { ...result.timings, totalMs: responseTimeMs },
      };
      const context: CheckResultContext = result.peer
        ? {
            connected: true,
            responseTimeMs,
            ip: result.address,
            certificateExpiresInMs: result.validToMs === undefined ? undefined : result.validToMs - Date.now(),
          }
        : { connected: false, ip: result.address };
      const failure = result.peer
        ? untrustedReason(result, config, config.host)
        : describeConnectionError(result.error, config.host, config.port);
      const peer = result.peer;
      return concludeRun({
        conditions: config.conditions,
        context,
        startedAt,
        aborted: signal.aborted ? signal : undefined,
        failure,
        summary: `${peer?.protocol} with ${config.host} port ${config.port} in ${Math.round(responseTimeMs)} ms; certificate valid to ${peer?.validTo}`,
        details,
      });
    },
  };
}
