/**
 * HTTP hint: one plain `GET /` (HTTP/1.0, Connection: close), the status line's server header and the page title.
 * Redirects are reported as they are (the title of the redirect page, if any), never followed.
 */
import net, { isIPv6, type Socket } from 'node:net';
import { cleanText, exchange } from './socket-exchange';
import type { ProbeOptions } from './tcp-probe';

/** At most this much of a response is read: enough for the headers and a <title> near the top. */
export const MAX_HTTP_BYTES = 16 * 1024;

/** What an HTTP response tells about the service. */
export interface HttpHint {
  httpTitle?: string;
  httpServer?: string;
}

/** The request the probes send, with the address as Host (bracketed for IPv6). */
export function httpRequest(address: string, port: number): string {
  const host = isIPv6(address) ? `[${address}]` : address;
  const hostHeader = port === 80 || port === 443 ? host : `${host}:${port}`;
  return `GET / HTTP/1.0\r\nHost: ${hostHeader}\r\nUser-Agent: Estate-discovery\r\nAccept: text/html\r\nConnection: close\r\n\r\n`;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  szlig: 'ß',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

/** Parses a (possibly truncated) HTTP response; undefined when it is not HTTP at all. */
export function parseHttpResponse(bytes: Buffer): HttpHint | undefined {
  const text = bytes.toString('latin1');
  if (!/^HTTP\/\d(\.\d)? \d{3}/.test(text)) return undefined;
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const body = headerEnd < 0 ? '' : text.slice(headerEnd);
  const server = /^server:[ \t]*(.*)$/im.exec(head)?.[1];
  const rawTitle = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  const hint: HttpHint = {};
  const httpServer = server ? cleanText(server, 200) : undefined;
  // Titles are mostly UTF-8; the bytes were read as latin1 so that splitting never fails mid-character.
  const httpTitle = rawTitle ? cleanText(decodeEntities(Buffer.from(rawTitle, 'latin1').toString('utf8')), 200) : undefined;
  if (httpServer) hint.httpServer = httpServer;
  if (httpTitle) hint.httpTitle = httpTitle;
  return hint;
}

/** Reads the HTTP hint of an already opened socket (plain or TLS) once it is ready. */
export async function readHttpHint(
  socket: Socket,
  readyEvent: 'connect' | 'secureConnect',
  address: string,
  port: number,
  options: ProbeOptions,
): Promise<HttpHint | undefined> {
  const { received } = await exchange(socket, {
    readyEvent,
    send: () => httpRequest(address, port),
    maxBytes: MAX_HTTP_BYTES,
    enough: (bytes) => /<\/title>/i.test(bytes.toString('latin1')),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  return parseHttpResponse(received);
}

/** The HTTP hint of a port, or undefined when it does not answer HTTP. Never rejects. */
export function probeHttp(address: string, port: number, options: ProbeOptions): Promise<HttpHint | undefined> {
  return readHttpHint(net.connect({ host: address, port }), 'connect', address, port, options);
}
