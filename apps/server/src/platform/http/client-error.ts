import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ProblemType } from '@estate/contract';
import { SECURITY_HEADERS } from './security-headers';

interface ClientProblem {
  status: number;
  type: string;
  title: string;
  detail: string;
}

function problemFor(code: string | undefined): ClientProblem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        type: ProblemType.headersTooLarge,
        title: 'Request headers too large',
        detail: 'The URL and headers together are larger than the server accepts; send a shorter query string.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: ProblemType.requestTimeout, title: 'Request timeout', detail: 'The request took too long to arrive.' };
    default:
      return { status: 400, type: ProblemType.validation, title: 'Invalid request', detail: 'The request is not valid HTTP/1.1.' };
  }
}

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (over-long URL or headers, malformed HTTP,
 * timeout) as problem+json with the usual security headers, then closes the connection: the bytes after a refused
 * request cannot be trusted to start the next one.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const problem = problemFor(error.code);
    const body = JSON.stringify(problem);
    const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        'content-type: application/problem+json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        headers.join('') +
        'connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
