import type { FastifyInstance } from 'fastify';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine writes style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

/** The security headers of every answer, computed once (the set helmet would send, with our CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

const { 'cross-origin-opener-policy': _coop, ...PLAIN_HTTP_HEADERS } = SECURITY_HEADERS;

/**
 * True when browsers treat the origin a request came to as potentially trustworthy: HTTPS, or a loopback host.
 * Browsers ignore Cross-Origin-Opener-Policy on any other origin and log an error for every answer that carries it,
 * which is noise on a LAN address over plain HTTP.
 */
export function trustworthyOrigin(protocol: string, hostname: string): boolean {
  if (protocol === 'https') return true;
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}

/**
 * Sets the security headers at the start of every request, so a route with other needs (the API docs' own CSP) can
 * still override one of them. Cross-Origin-Opener-Policy goes only to origins browsers would apply it on.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(trustworthyOrigin(request.protocol, request.hostname) ? SECURITY_HEADERS : PLAIN_HTTP_HEADERS);
    done();
  });
}
