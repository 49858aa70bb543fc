import type { FastifyReply, FastifyRequest } from 'fastify';
import { problems } from './problem';

/** The strong ETag of a versioned resource. */
export function etagFor(id: string, version: number): string {
  return `"${id}.${version}"`;
}

/**
 * Reads the version a client expects from `If-Match`. Updates require it (428 without), so a concurrent edit can
 * never be overwritten silently; a version that is not the current one becomes 412 in the service.
 */
export function requireIfMatch(request: FastifyRequest, id: string): number {
  const header = request.headers['if-match'];
  if (!header) throw problems.preconditionRequired();
  const match = /^"([^"]+)\.(\d+)"$/.exec(header.trim().replace(/^W\//, ''));
  if (!match || match[1] !== id) throw problems.preconditionFailed();
  return Number(match[2]);
}

/** Sets the ETag header of a versioned resource. */
export function sendEtag(reply: FastifyReply, id: string, version: number): void {
  reply.header('etag', etagFor(id, version));
}
