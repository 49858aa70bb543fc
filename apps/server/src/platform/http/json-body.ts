import { ProblemType } from '@estate/contract';
import type { FastifyInstance, FastifyReply } from 'fastify';
import sjson from 'secure-json-parse';
import { HttpProblem, problems } from './problem';
import { findRefusedText, loneSurrogateProblem, mayHoldLoneSurrogate } from './request-text';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/**
 * Replaces Fastify's JSON parser with one that refuses, before any hook or route sees the body: a charset other than
 * UTF-8 (415); invalid UTF-8 (instead of silently replacing bytes); lone UTF-16 surrogates written as `\ud800`
 * escapes, in keys or values (the stores cannot keep them, so what is audited would differ from what is stored);
 * and `__proto__` / `constructor.prototype` keys. All but the first are 400 validation problems naming the field.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(;.*)?$/i, { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer;
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      done(unsupportedCharset(charset), undefined);
      return;
    }
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
    let value: unknown;
    try {
      value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (err) {
      done(problems.validation(`The request body is not valid JSON: ${(err as Error).message}`), undefined);
      return;
    }
    const refused = mayHoldLoneSurrogate(text) ? findRefusedText(value, 'body', loneSurrogateProblem) : null;
    if (refused) {
      done(problems.validation(`The request body is not well-formed Unicode at ${refused.path}.`, [refused]), undefined);
      return;
    }
    done(null, value);
  });
}

/** The charset parameter of a content type, lower-cased, or null when there is none. */
function charsetOf(contentType: string | undefined): string | null {
  const match = contentType ? CHARSET.exec(contentType) : null;
  return match ? (match[1] ?? match[2] ?? '').toLowerCase() : null;
}

function unsupportedCharset(charset: string): HttpProblem {
  const shown = charset.slice(0, 40);
  return new HttpProblem(415, ProblemType.unsupportedMediaType, 'Unsupported media type', `Send JSON as UTF-8, not charset=${shown}.`);
}

/**
 * Answers with JSON text built by the route itself (a document spliced from stored JSON), bypassing the response
 * schema's serialiser. The route stays responsible for the text matching that schema: its tests compare it.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
