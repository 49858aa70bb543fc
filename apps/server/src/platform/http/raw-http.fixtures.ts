import { connect } from 'node:net';

/** An HTTP answer as read off the socket: status, lower-cased head (status line and headers), headers and body. */
export interface RawAnswer {
  status: number;
  head: string;
  /** Header names lower-cased; the last of repeated headers wins. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `request` byte for byte to a listening server and resolves with what it answers before closing. For inputs
 * `fastify.inject` would tidy up on the way in (dot segments, over-long request lines, malformed HTTP).
 */
export function rawExchange(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), headers, body: split < 0 ? '' : text.slice(split + 4) });
    });
    // Not end(): a half-closed connection may be dropped before a streamed answer; the server closes it instead.
    socket.write(request);
  });
}

/** A GET that asks the server to close the connection after answering. */
export function rawGet(path: string, headers = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`;
}
