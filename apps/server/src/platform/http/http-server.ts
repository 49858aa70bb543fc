import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ProblemType } from '@estate/contract';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { plural } from '../plural';
import { type AccessHookOptions, installAccessHook } from './access-hook';
import { API_DOCS_BRANDING } from './api-docs-theme';
import { isApiPath } from './api-path';
import { answerClientError } from './client-error';
import { FailedAuthThrottle } from './failed-auth-throttle';
import { registerJsonParser } from './json-body';
import { HttpProblem } from './problem';
import { installSecurityHeaders } from './security-headers';
import { toFieldErrors, validatorCompiler } from './validation';

/** The Fastify instance type every module registers routes on. */
export type HttpServer = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpServerOptions extends Omit<AccessHookOptions, 'failedAuth'> {
  logger: FastifyBaseLogger | false;
  bodyLimit: number;
  rateLimitPerMinute: number;
  trustProxy: boolean;
  /** Built web UI to serve, with index.html as the fallback for client-side routes. Skipped when missing. */
  webDir?: string | undefined;
  version: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
// Request ids: a random prefix per process and a counter, unique across processes without random bytes per request.
const REQUEST_ID_PREFIX = randomBytes(6).toString('hex');
let requestCounter = 0;

/**
 * Builds the HTTP server with Estate's conventions: request ids, strict JSON bodies, problem+json errors, security
 * headers, rate limits, the deny-by-default access hook and the OpenAPI document. Modules add routes afterwards.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger || undefined,
    logger: options.logger ? undefined : false,
    // Fastify's own two lines per request (static files included) drown the console; logRequest writes one.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `${REQUEST_ID_PREFIX}-${(++requestCounter).toString(36)}`;
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    // Router-level errors (undecodable URLs, over-long path parameters) bypass the error handler: render them here.
    frameworkErrors: (error, request, reply) => {
      const status = (error as FastifyError).statusCode ?? 400;
      (reply as unknown as FastifyReply)
        .code(status)
        .type('application/problem+json')
        .send({
          type: ProblemType.validation,
          title: 'Invalid request',
          status,
          detail: status === 414 ? 'A path parameter is too long.' : 'The request URL cannot be decoded.',
          requestId: request.id,
        });
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Requests Node's parser refuses (a URL or headers over its 16 KB limit, malformed HTTP) never reach Fastify.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as HttpServer;

  app.setValidatorCompiler(validatorCompiler);
  registerJsonParser(app as unknown as FastifyInstance);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => logRequest(request, reply));

  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof HttpProblem && error.headers) reply.headers(error.headers);
    if (problem.status === 429 && 'headers' in error === false) reply.header('retry-after', '60');
    reply
      .code(problem.status)
      .type('application/problem+json')
      .send({ ...problem.body, instance: request.url.split('?')[0], requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type('application/problem+json')
      .send({ type: ProblemType.notFound, title: 'Not found', status: 404, instance: request.url.split('?')[0], requestId: request.id });
  });

  await app.register(cookie);
  installSecurityHeaders(app as unknown as FastifyInstance);
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    // After authentication, so a signed-in user, an API token or an agent has a budget of its own: a team behind one
    // address (an office NAT, a reverse proxy, a site's agents) does not share one. Requests that fail to
    // authenticate never get here; the access hook throttles those by address.
    hook: 'preHandler',
    keyGenerator: rateLimitKey,
    // The web UI's files, health probes: cheap, and a browser reloading the UI must not use up its API budget.
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz' || isUiFile(request.url),
    errorResponseBuilder: (_req, ctx) =>
      new HttpProblem(
        429,
        ProblemType.tooManyRequests,
        'Too many requests',
        `Rate limit exceeded; try again in ${plural(Math.ceil(ctx.ttl / 1000), 'second')}.`,
        undefined,
        {
          'retry-after': String(Math.ceil(ctx.ttl / 1000)),
        },
      ),
  });

  // An address may fail to authenticate a tenth as often as a user may call the API.
  const failedAuth = new FailedAuthThrottle(Math.max(10, Math.ceil(options.rateLimitPerMinute / 10)));
  installAccessHook(app as unknown as FastifyInstance, { ...options, failedAuth });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Estate API',
        version: options.version,
        description: 'IT infrastructure management. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from /api/v1/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'estate_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { url: '/api/v1/openapi.json' } as object,
    ...API_DOCS_BRANDING,
  });

  if (options.webDir && existsSync(path.join(options.webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(options.webDir), wildcard: false, index: false });
    const indexHtml = path.resolve(options.webDir, 'index.html');
    app.get('/', { config: { public: true }, schema: { hide: true } }, (_req, reply) =>
      reply.sendFile('index.html', path.dirname(indexHtml)),
    );
    // Client-side routes: any GET outside the API that matched no file answers index.html. However an API path is
    // spelt (/API/V1/SETUP, /api%2Fv1%2Fsetup, /./api/v1/setup), it answers as the API does: 404 problem+json.
    app.get('/*', { config: { public: true }, schema: { hide: true } }, (request, reply) => {
      if (isApiPath(request.url)) return reply.callNotFound();
      return reply.sendFile('index.html', path.dirname(indexHtml));
    });
  }
  return app;
}

/**
 * Logs one line per answered request: method, path (never the query string, which may carry a setup token or
 * other secrets, and a route's pattern in place of a path that carries a token; headers and cookies are never logged), status and milliseconds. API requests are logged at info;
 * the web UI's files, the API docs' assets, health probes, metrics scrapes and signed agent reports (every few
 * seconds per agent) at debug, unless the server failed them (5xx).
 */
function logRequest(request: FastifyRequest, reply: FastifyReply): void {
  // A token in the path is a capability (push ping URLs, signed action links): log the route's pattern instead.
  const pattern = request.routeOptions.url;
  const path = pattern?.includes(':token') ? pattern : (request.url.split('?')[0] ?? '');
  const status = reply.statusCode;
  const routine =
    !isApiPath(request.url) ||
    path.startsWith('/api/docs') ||
    (request.routeOptions.config as { agent?: boolean } | undefined)?.agent === true;
  const level = routine && status < 500 ? 'debug' : 'info';
  const ms = Math.round(reply.elapsedTime * 10) / 10;
  request.log[level]({ method: request.method, path, status, ms }, `${request.method} ${path} ${status} ${ms} ms`);
}

/** Whose budget a request spends: its API token's, its signed-in user's (all their tabs), its agent's, else its address's. */
function rateLimitKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.tokenId) return `token:${principal.tokenId}`;
  if (principal) return `user:${principal.userId}`;
  if (request.agentId) return `agent:${request.agentId}`;
  return `ip:${request.ip}`;
}

/** A request for the web UI (its page and files), not the API, the API docs or the metrics scrape. */
function isUiFile(url: string): boolean {
  return !isApiPath(url) && url !== '/metrics' && !url.startsWith('/metrics?');
}

interface RenderedProblem {
  status: number;
  body: { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };
}

function toProblem(error: FastifyError | HttpProblem): RenderedProblem {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      body: { type: error.type, title: error.title, status: error.status, detail: error.detail, errors: error.errors },
    };
  }
  const fe = error as FastifyError & { validation?: unknown; validationContext?: string };
  if (fe.validation) {
    const errors = toFieldErrors(fe.validation as never, fe.validationContext);
    return problem(400, ProblemType.validation, 'Invalid request', 'The request does not match the API contract.', errors);
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, ProblemType.payloadTooLarge, 'Payload too large', 'The request body is larger than the server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, ProblemType.unsupportedMediaType, 'Unsupported media type', 'Send application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, ProblemType.validation, 'Invalid request', fe.message);
  }
  if ((error as Error).name === 'SyntaxError' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return problem(400, ProblemType.validation, 'Invalid request', 'The request body is not valid JSON.');
  }
  if (status >= 400 && status < 500) {
    const type = status === 404 ? ProblemType.notFound : status === 429 ? ProblemType.tooManyRequests : ProblemType.validation;
    return problem(status, type, status === 429 ? 'Too many requests' : 'Invalid request', fe.message);
  }
  // An error that says a service Estate depends on is down (the metrics backend): the client may retry later.
  if (status === 503) {
    return problem(503, ProblemType.unavailable, 'Service unavailable', 'A service Estate depends on is unavailable; try again later.');
  }
  return problem(
    500,
    ProblemType.internal,
    'Internal error',
    'Something went wrong on the server; the request id identifies it in the logs.',
  );
}

function problem(
  status: number,
  type: string,
  title: string,
  detail?: string,
  errors?: { path: string; message: string }[],
): RenderedProblem {
  return { status, body: { type, title, status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) } };
}
