/**
 * Banner grab: services that speak first (SSH: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", SMTP, FTP) give their
 * first line unasked.
 */
import net from 'node:net';
import { cleanText, exchange } from './socket-exchange';
import type { ProbeOptions } from './tcp-probe';

/** At most this much of a greeting is read. */
const MAX_BANNER_BYTES = 512;

/**
 * What a port says before it is spoken to: its first line (at most 255 characters, control characters removed), or
 * undefined when it stays silent for the timeout. Never rejects.
 */
export async function probeBanner(address: string, port: number, options: ProbeOptions): Promise<string | undefined> {
  const { received } = await exchange(net.connect({ host: address, port }), {
    readyEvent: 'connect',
    maxBytes: MAX_BANNER_BYTES,
    enough: (bytes) => bytes.includes(0x0a),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  const firstLine = received.toString('latin1').split(/\r?\n/)[0] ?? '';
  return cleanText(firstLine, 255);
}
