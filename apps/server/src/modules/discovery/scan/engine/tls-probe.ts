/**
 * TLS hint: the certificate a port presents (subject CN and subject alternative names), read without trusting it,
 * then one `GET /` over the same connection for an HTTPS page title and server header.
 */
import { isIP } from 'node:net';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { type HttpHint, httpRequest, MAX_HTTP_BYTES, parseHttpResponse } from './http-probe';
import { cleanText, exchange } from './socket-exchange';
import type { ProbeOptions } from './tcp-probe';

/** What a TLS port showed: the certificate subject (its CN, or the whole subject without one) and its SANs. */
export interface TlsHint extends HttpHint {
  tlsSubject?: string;
  tlsSans?: string[];
}

/** Splits Node's `subjectaltname` ("DNS:a.example, IP Address:10.0.0.1") into its names and addresses. */
export function parseSubjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address|URI|email):/i, '').trim())
    .filter((name) => name !== '')
    .slice(0, 100);
}

function subjectOf(cert: PeerCertificate): string | undefined {
  const subject = cert.subject as Record<string, string | string[]> | undefined;
  if (!subject) return undefined;
  const cn = subject.CN;
  if (cn) return cleanText(Array.isArray(cn) ? cn.join(', ') : cn, 255);
  const whole = Object.entries(subject)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
  return cleanText(whole, 255);
}

/** The TLS hint of a port, or undefined when no TLS handshake completes in time. Never rejects. */
export async function probeTls(address: string, port: number, options: ProbeOptions): Promise<TlsHint | undefined> {
  let cert: PeerCertificate | undefined;
  // The certificate is only read, never trusted: nothing is sent but a GET / for the page title.
  const socket: TLSSocket = tls.connect({
    host: address,
    port,
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
    ...(isIP(address) ? {} : { servername: address }),
  });
  const { ready, received } = await exchange(socket, {
    readyEvent: 'secureConnect',
    send: () => {
      cert = socket.getPeerCertificate();
      return httpRequest(address, port);
    },
    maxBytes: MAX_HTTP_BYTES,
    enough: (bytes) => /<\/title>/i.test(bytes.toString('latin1')),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (!ready) return undefined;
  const hint: TlsHint = { ...parseHttpResponse(received) };
  if (cert && Object.keys(cert).length > 0) {
    const subject = subjectOf(cert);
    if (subject) hint.tlsSubject = subject;
    const sans = parseSubjectAltNames(cert.subjectaltname);
    if (sans.length > 0) hint.tlsSans = sans;
  }
  return hint;
}
