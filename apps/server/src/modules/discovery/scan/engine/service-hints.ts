/**
 * Service hints of one open port: which probe runs depends on the port — TLS on the usual TLS ports, HTTP on the usual
 * HTTP ports, and elsewhere a wait for a greeting (SSH speaks first) followed, if the port stays silent, by HTTP.
 */

import { probeBanner } from './banner-probe';
import { probeHttp } from './http-probe';
import type { HostFinding } from './scan-types';
import type { ProbeOptions } from './tcp-probe';
import { probeTls } from './tls-probe';

/** Ports where a TLS handshake is tried first. */
export const TLS_PORTS = new Set([443, 465, 636, 853, 993, 995, 2376, 5986, 6443, 8443, 9443]);
/** Ports where HTTP is spoken at once, without waiting for a greeting. */
export const HTTP_PORTS = new Set([80, 81, 591, 3000, 5000, 8000, 8008, 8080, 8081, 8888, 9000, 9090]);

/** The hints of one port, as the seam stores them. */
export type ServiceHint = HostFinding['services'][number];

/** Probes one open port for hints; resolves with an empty object when the port tells nothing. Never rejects. */
export async function probeServiceHints(address: string, port: number, options: ProbeOptions): Promise<ServiceHint> {
  if (TLS_PORTS.has(port)) return (await probeTls(address, port, options)) ?? {};
  if (HTTP_PORTS.has(port)) return (await probeHttp(address, port, options)) ?? {};
  // A greeting comes at once or not at all; a short wait keeps silent ports cheap.
  const banner = await probeBanner(address, port, { ...options, timeoutMs: Math.min(options.timeoutMs, 2_000) });
  if (banner?.startsWith('SSH-')) return { ssh: banner };
  if (banner !== undefined) return {};
  return (await probeHttp(address, port, options)) ?? {};
}
