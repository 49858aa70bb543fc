import type { FastifyInstance, FastifyReply } from 'fastify';
import sjson from 'secure-json-parse';
import { problems } from './problem';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Replaces Fastify's JSON parser with one that rejects invalid UTF-8 (instead of silently replacing bytes),
 * and `__proto__` / `constructor.prototype` keys, all as 400 validation problems.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(;.*)?$/i, { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer;
    // Agents sign the exact bytes they send; their routes verify the signature over these, not over a re-serialisation.
    if (req.routeOptions.config?.agent) req.rawBody = buf;
    if (buf.length === 0) {
      done(problems.validation('The request body is empty; send a JSON document.'), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(buf);
    } catch {
      done(problems.validation('The request body is not valid UTF-8.'), undefined);
      return;
    }
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      done(problems.validation(`The request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
}

/**
 * Answers with JSON text built by the route itself (a document spliced from stored JSON), bypassing the response
 * schema's serialiser. The route stays responsible for the text matching that schema: its tests compare it.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
