/**
 * The byte-capped, time-capped conversation every service-hint probe has with an open port: optionally say
 * something, read what comes back until enough is seen, the peer closes, the byte cap or the timeout is hit.
 */
import type { Socket } from 'node:net';

/** Options of one exchange on a socket the caller has just opened. */
export interface ExchangeOptions {
  /** The event that means the socket is ready: `connect` for TCP, `secureConnect` for TLS. */
  readyEvent: 'connect' | 'secureConnect';
  /** Sent once the socket is ready. */
  send?: (socket: Socket) => string | undefined;
  /** Stop reading once this many bytes arrived. */
  maxBytes: number;
  /** Stop reading as soon as this says the reply is complete enough. */
  enough?: (received: Buffer) => boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What came back, and whether the socket ever became ready (a refused TLS handshake is `ready: false`). */
export interface ExchangeResult {
  ready: boolean;
  received: Buffer;
}

/**
 * Runs the exchange and always destroys the socket; never rejects. Resolves with the bytes received (at most
 * `maxBytes`) when the reply is enough, the peer closes or errs, the timeout passes, or the scan is aborted.
 */
export function exchange(socket: Socket, options: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ready = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', finish);
      socket.destroy();
      resolve({ ready, received: Buffer.concat(chunks).subarray(0, options.maxBytes) });
    };
    const timer = setTimeout(finish, options.timeoutMs);
    if (options.signal?.aborted) finish();
    options.signal?.addEventListener('abort', finish, { once: true });
    socket.once(options.readyEvent, () => {
      ready = true;
      const text = options.send?.(socket);
      if (text !== undefined) socket.write(text);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= options.maxBytes || options.enough?.(Buffer.concat(chunks))) finish();
    });
    socket.once('end', finish);
    socket.once('close', finish);
    socket.once('error', finish);
  });
}

/** True for C0 and C1 control characters (and DEL). */
export function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** Text safe to store and show: control characters become spaces, runs of blanks collapse, length is capped. */
export function cleanText(text: string, maxLength: number): string | undefined {
  const visible = Array.from(text, (ch) => (isControl(ch.codePointAt(0)!) ? ' ' : ch)).join('');
  const cleaned = visible.replace(/\s+/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned.slice(0, maxLength);
}
