import { PrometheusApiRoutes } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../src/platform/http/raw-http.fixtures';
import { verifyAuditWithCli } from './fixtures/audit-verify';
import { PUBLIC_OPERATIONS } from './fixtures/public-operations';
import { type Agent, createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from './harness';

/**
 * A deterministic fuzzer over every operation in the OpenAPI document: at least 1,000 malformed requests per engine,
 * as a signed-in admin (cookie + CSRF) and anonymously. The server must never answer 5xx, must answer every 4xx as
 * problem+json, must reject what it cannot accept, and must write nothing; and afterwards the real `estate audit
 * verify` must find the audit chain intact. New classes of input go in INPUT_CLASSES.
 */

// One round must cover every (operation, input family) pair; the alerting routes (issue 15) took it past 3,000.
const REQUESTS_PER_ENGINE = 5_000;

/**
 * Prometheus' query API (`PrometheusApiRoutes`) answers Prometheus' envelope, not problem+json, so that Grafana and
 * promtool read it: its 400s are `{status:"error",errorType:"bad_data"}`, and it ignores parameters it does not know,
 * as Prometheus does. Its access refusals and transport errors (401, 403, 413, 415) stay problem+json.
 */
const PROMETHEUS_API = Object.values(PrometheusApiRoutes).map(
  (route) => new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/?]+').replace(/[.]/g, '\\.')}(\\?|$)`),
);
const isPrometheusApi = (url: string) => PROMETHEUS_API.some((re) => re.test(url));

const SEED = 0x5eed_e57a;

/** Operations reachable without signing in (the reviewed list route-access.test.ts pins). */
const PUBLIC = new Set(PUBLIC_OPERATIONS);
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema fragments from the OpenAPI document.
type Schema = Record<string, any>;

interface Operation {
  method: string;
  path: string;
  key: string;
  body?: Schema;
  query: { name: string; schema: Schema }[];
  hasId: boolean;
  public: boolean;
}

type Identity = 'admin' | 'anonymous';

/** `reject`: the request is unacceptable, so the answer must be 4xx. `any`: only "no 5xx, well-formed errors". */
type Expectation = 'reject' | 'any';

interface Case {
  family: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  expect: Expectation;
  /** Admin cases send the session's CSRF token unless told otherwise. */
  csrf?: 'omit' | 'wrong';
  /** `socket`: sent byte for byte over a real connection, for what Node's own HTTP parser must refuse. */
  transport?: 'inject' | 'socket';
}

/** mulberry32: small, fast and good enough to make the request stream reproducible from one seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]!;
    },
  };
}
type Rng = ReturnType<typeof prng>;

function randomId(rng: Rng): string {
  const hex = () => '0123456789abcdef'[rng.int(16)];
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-7${part(3)}-8${part(3)}-${part(12)}`;
}

/** A value that satisfies `schema`, so a mutation of one part leaves the rest valid. */
function validValue(schema: Schema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return validValue(schema.anyOf[0]);
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'email') return 'probe@example.org';
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        return ['123456', 'abcde-12345', '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b'].find((c) => re.test(c)) ?? 'probe';
      }
      return (schema.minLength ?? 0) > 5 ? STRONG_PASSWORD : 'probe';
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [validValue(schema.items ?? {})];
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, validValue(v as Schema)]));
    default:
      return null;
  }
}

function typeOf(schema: Schema): string {
  if (schema.type) return schema.type;
  if (schema.anyOf) return typeOf(schema.anyOf[0]);
  return 'string';
}

function wrongValues(schema: Schema): unknown[] {
  switch (typeOf(schema)) {
    case 'string':
      return [42, true, null, [], {}, ['x'], 1.5, { $gt: '' }];
    case 'integer':
    case 'number':
      return ['5', 1.5, true, null, [], {}, '', 'NaN'];
    case 'boolean':
      return ['true', 1, 0, null, [], {}, 'yes'];
    case 'array':
      return ['self', 42, {}, null, [42], [null], [{}], [[]]];
    default:
      return ['x', 42, [], null, true];
  }
}

let bigBody: Buffer | undefined;
/** A JSON-looking body larger than any limit the test uses; sliced, it makes bodies just over the limit. */
function oversizedBody(bodyLimit: number): Buffer {
  if (!bigBody || bigBody.length < bodyLimit + 70_000) bigBody = Buffer.from(`{"name":"${'x'.repeat(bodyLimit + 70_000)}"}`);
  return bigBody;
}

function deepJson(depth: number, leaf: string): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

const MALFORMED_JSON = [
  '{',
  '}',
  '{"email": "a@b.org",}',
  "{'email': 'a@b.org'}",
  '{email: 1}',
  '{"a": NaN}',
  '{"a": Infinity}',
  '{"a": undefined}',
  '{"a": 1} {"b": 2}',
  '[1, 2,',
  '"unterminated',
  '{"a": "\\x41"}',
  '{"a": 01}',
  '/* comment */ {}',
  'nul\u0000',
  '{"a":1}garbage',
  ' ',
  'tru',
  '{"a": "\\ud800"',
];

const PROTO_BODIES = [
  '{"__proto__": {"role": "admin"}}',
  '{"name": "x", "__proto__": {"isAdmin": true}}',
  '{"constructor": {"prototype": {"role": "admin"}}}',
  '{"a": {"b": {"__proto__": {"polluted": 1}}}}',
  '{"a": [{"constructor": {"prototype": {"polluted": 1}}}]}',
  '{"\\u005f_proto__": {"role": "admin"}}',
];

const FORM = 'application/x-www-form-urlencoded';
const WRONG_CONTENT_TYPES = [
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'image/png',
  'application/jsonx',
  'json',
  'application/',
  '*/*',
];

const BAD_IDS = [
  'abc',
  'z'.repeat(36),
  '0190C1A2-7B3D-7E4F-8A9B-0C1D2E3F4A5B',
  '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5',
  '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b0',
  '%00',
  '%27%20OR%201%3D1--',
  '..%2f..%2fetc%2fpasswd',
  '-1',
  '%F0%9F%98%80',
  '1e309',
  '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5%00',
];

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** Query values a list route must refuse; `any` values must merely not break it. */
function badQueryValue(rng: Rng, name: string, schema: Schema): { value: string; expect: Expectation } {
  const t = typeOf(schema);
  if (name === 'cursor') {
    const refused = [
      'garbage',
      '%%%',
      b64('{"a":1}'),
      b64('[1,2,3]'),
      b64('[]'),
      b64('[null]'),
      b64('[{"x":1}]'),
      'x'.repeat(600),
      b64(String.fromCharCode(...Array.from({ length: 24 }, () => rng.int(256)))),
    ];
    // Well-formed cursors of the right arity but a wrong key: must not break the query.
    const odd = [
      b64('["abc"]'),
      b64('[1.5]'),
      b64('[-1]'),
      b64('[1e308]'),
      b64('["a\\u0000b"]'),
      b64('[99999999999999999999]'),
      b64('["\'--"]'),
    ];
    return rng.next() < 0.6 ? { value: rng.pick(refused), expect: 'reject' } : { value: rng.pick(odd), expect: 'any' };
  }
  if (t === 'integer' || t === 'number') {
    const refused = ['-1', 'abc', '1.5', '', '0x10', '1e999', '--1', 'NaN'];
    if (schema.minimum !== undefined) refused.push(String(schema.minimum - 1));
    if (schema.maximum !== undefined) refused.push(String(schema.maximum + 1), '99999999999999999999999');
    // Unbounded integers (epoch ms) accept huge values; the store must cope.
    const odd = schema.maximum === undefined ? ['100000000000000000000', '9007199254740993', '0'] : [];
    return odd.length && rng.next() < 0.3 ? { value: rng.pick(odd), expect: 'any' } : { value: rng.pick(refused), expect: 'reject' };
  }
  if (t === 'boolean') return { value: rng.pick(['maybe', '2', 'yes please', '', 'TRUE1']), expect: 'reject' };
  if (schema.anyOf || schema.enum) return { value: rng.pick(['superuser', 'ADMIN', '', '%00', 'admin,viewer']), expect: 'reject' };
  if (schema.pattern) {
    // Only values the pattern (or the length limit) really refuses: `nope` is a fine channel type name, say.
    const pattern = new RegExp(schema.pattern);
    const refused = ['nope', 'x'.repeat(36), '%00', 'NOPE!', ' '].filter((v) => {
      const text = decodeURIComponent(v);
      return !pattern.test(text) || (schema.maxLength !== undefined && text.length > schema.maxLength);
    });
    if (refused.length > 0) return { value: rng.pick(refused), expect: 'reject' };
  }
  if (schema.maxLength !== undefined) {
    if (rng.next() < 0.5) return { value: 'x'.repeat(schema.maxLength + 1 + rng.int(2000)), expect: 'reject' };
    return { value: rng.pick(['%25', '_', '\\', "'", '%E2%80%AE', '%F0%9F%98%80', '%0A', '%20']), expect: 'any' };
  }
  return { value: '%25', expect: 'any' };
}

function idUrl(op: Operation, rng: Rng, id = randomId(rng)): string {
  return op.path.replace(/\{\w+\}/g, id);
}

function jsonCase(family: string, op: Operation, rng: Rng, payload: string | Buffer, contentType = 'application/json'): Case {
  return { family, method: op.method, url: idUrl(op, rng), headers: { 'content-type': contentType }, payload, expect: 'reject' };
}

/** What an input class builds its cases from: one operation, tried as one identity. */
interface OperationContext {
  op: Operation;
  identity: Identity;
  /** A body the operation accepts, when it takes one; classes mutate one part of it. */
  base: Record<string, unknown> | undefined;
  baseText: string;
  bodyLimit: number;
}

/**
 * A class of malformed input: from an operation, the generators of its cases (none where the class does not apply).
 * To add a class, write one such function and list it in INPUT_CLASSES.
 */
type InputClass = (ctx: OperationContext) => Array<(rng: Rng) => Case>;

const HIGH_SURROGATES = ['\ud800', '\udbff', '\ud83d'];
const LOW_SURROGATES = ['\udc00', '\udfff', '\ude80'];

/** Text with one lone surrogate, high or low: alone, inside other text, after a real pair, or a pair reversed. */
function loneSurrogateText(rng: Rng): string {
  const unit = rng.pick(rng.next() < 0.5 ? HIGH_SURROGATES : LOW_SURROGATES);
  return rng.pick([unit, `a${unit}`, `${unit}@example.org`, `x${unit}y`, '\udc00\ud800', `😀${unit}`]);
}

/** JSON text as JSON.stringify writes it (a lone surrogate becomes `\ud800`), with some escapes in upper case. */
function jsonWithEscapes(rng: Rng, value: unknown): string {
  return JSON.stringify(value).replace(/\\u(d[89a-f][0-9a-f]{2})/g, (m, hex: string) => (rng.next() < 0.5 ? `\\u${hex.toUpperCase()}` : m));
}

/** The surrogate's code unit as CESU-8 bytes: how a lone surrogate looks when sent raw; never valid UTF-8. */
function rawSurrogateBytes(rng: Rng): Buffer {
  return Buffer.from(
    rng.pick([
      [0xed, 0xa0, 0x80],
      [0xed, 0xaf, 0xbf],
      [0xed, 0xb0, 0x80],
      [0xed, 0xbf, 0xbf],
    ]),
  );
}

/** Lone UTF-16 surrogates in keys and values, escaped (`\ud800`) and raw: refused before anything is stored. */
const loneSurrogates: InputClass = ({ op, base }) => {
  if (!UNSAFE.has(op.method)) return [];
  const body = base ?? {};
  const keys = Object.keys(body);
  const stringKeys = keys.filter((k) => typeof body[k] === 'string');
  return [
    (rng) => {
      const key = rng.pick(stringKeys.length ? stringKeys : keys.length ? keys : ['name']);
      const value = rng.next() < 0.8 ? loneSurrogateText(rng) : [loneSurrogateText(rng)];
      return jsonCase('lone-surrogate-value', op, rng, jsonWithEscapes(rng, { ...body, [key]: value }));
    },
    (rng) => {
      const nested = rng.next() < 0.5 && keys.length > 0;
      const extra = { [loneSurrogateText(rng)]: 'x' };
      const payload = nested ? { ...body, [rng.pick(keys)]: extra } : { ...body, ...extra };
      return jsonCase('lone-surrogate-key', op, rng, jsonWithEscapes(rng, payload));
    },
    (rng) => {
      const key = rng.pick(keys.length ? keys : ['name']);
      const bytes = rawSurrogateBytes(rng);
      const parts = rng.next() < 0.5 ? [`{"${key}":"a`, bytes, '"}'] : ['{"', bytes, `":"${key}"}`];
      return jsonCase('raw-surrogate', op, rng, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    },
  ];
};

const FOREIGN_CHARSETS = ['utf-16', 'UTF-16LE', 'utf-16be', 'utf-32', 'iso-8859-1', 'latin1', 'windows-1252', 'us-ascii', '"utf-16"', 'x'];

/** JSON declared in any charset but UTF-8 (and, for UTF-16, really encoded so): 415, never read as UTF-8. */
const foreignCharsets: InputClass = ({ op, baseText }) => {
  if (!UNSAFE.has(op.method)) return [];
  return [
    (rng) => {
      const charset = rng.pick(FOREIGN_CHARSETS);
      const payload = /utf-16/i.test(charset) && rng.next() < 0.5 ? Buffer.from(baseText, 'utf16le') : baseText;
      return jsonCase('foreign-charset', op, rng, payload, `application/json; charset=${charset}`);
    },
  ];
};

/** Node's HTTP parser refuses a request line and headers over 16 KB; each case is past it. */
const OVERSIZED_QUERY = 16 * 1024;

/**
 * Query strings past Node's header limit: over a real socket (Node's parser refuses them before Fastify, and the
 * answer must still be problem+json) and, for reads, through inject (the routes must cope with a query that long).
 */
const oversizedQueryStrings: InputClass = ({ op }) => {
  const names = op.query.length ? op.query.map((q) => q.name) : ['q'];
  const url = (rng: Rng) => `${idUrl(op, rng)}?${rng.pick(names)}=${'x'.repeat(OVERSIZED_QUERY + rng.int(32 * 1024))}`;
  const cases: Array<(rng: Rng) => Case> = [
    (rng) => ({ family: 'oversized-query', method: op.method, url: url(rng), headers: {}, expect: 'reject', transport: 'socket' }),
  ];
  // Only reads: an unsafe request the routes may accept (sign-out, say) would change what the run must leave alone.
  if (op.method === 'GET') cases.push((rng) => ({ family: 'long-query', method: op.method, url: url(rng), headers: {}, expect: 'any' }));
  return cases;
};

/** Just under the inventory route's 16 MiB limit, and past every limit: one buffer of each, shared by every case. */
const AGENT_BODY_SIZES = [16 * 1024 * 1024 - 64 * 1024, 17 * 1024 * 1024];
const AGENT_BODIES = AGENT_BODY_SIZES.map((size) => Buffer.alloc(size, 0x20));

/** Signature headers an attacker can write without the agent's key: none, malformed, or well-formed for no agent. */
function forgedAgentHeaders(rng: Rng): Record<string, string> {
  return rng.pick<Record<string, string>>([
    {},
    { 'x-estate-agent': 'nope', 'x-estate-timestamp': 'soon', 'x-estate-nonce': '!', 'x-estate-signature': '%%' },
    {
      'x-estate-agent': randomId(rng),
      'x-estate-timestamp': String(Date.now()),
      'x-estate-nonce': 'AAAAAAAAAAAAAAAAAAAAAA',
      'x-estate-signature': 'A'.repeat(86),
    },
  ]);
}

/**
 * Bodies of up to 17 MiB to the signed agent routes without a valid signature: refused from their headers (401) or
 * their declared length (413) before the body is read or parsed.
 */
const oversizedUnsignedAgentBodies: InputClass = ({ op }) => {
  if (op.method !== 'POST' || !op.path.startsWith('/api/v1/agent/') || op.public) return [];
  return [
    (rng) => ({
      family: 'oversized-unsigned-agent-body',
      method: op.method,
      url: op.path,
      headers: { 'content-type': 'application/json', ...forgedAgentHeaders(rng) },
      payload: rng.pick(AGENT_BODIES),
      expect: 'reject',
    }),
  ];
};

/** Input classes at the request boundary, each tried on every operation they apply to. */
const INPUT_CLASSES: InputClass[] = [loneSurrogates, foreignCharsets, oversizedQueryStrings, oversizedUnsignedAgentBodies];

/** The families of malformed request that apply to an operation, each producing a varied case from the PRNG. */
function familiesFor(op: Operation, identity: Identity, bodyLimit: number): Array<(rng: Rng) => Case> {
  const out: Array<(rng: Rng) => Case> = [];
  const unsafe = UNSAFE.has(op.method);
  const base = op.body ? (validValue(op.body) as Record<string, unknown>) : undefined;
  const baseText = JSON.stringify(base ?? {});

  if (unsafe) {
    out.push((rng) => jsonCase('malformed-json', op, rng, rng.pick(MALFORMED_JSON)));
    out.push((rng) => {
      const bad = rng.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82]]);
      const key = base ? (rng.pick(Object.keys(base)) ?? 'name') : 'name';
      return jsonCase(
        'invalid-utf8',
        op,
        rng,
        Buffer.concat([Buffer.from(`{"${key}":"ok`), Buffer.from(bad), Buffer.from('"}')]),
        rng.pick(['application/json', 'application/json; charset=utf-8']),
      );
    });
    out.push((rng) => jsonCase('proto-keys', op, rng, rng.pick(PROTO_BODIES)));
    out.push((rng) => jsonCase('oversized', op, rng, oversizedBody(bodyLimit).subarray(0, bodyLimit + 1 + rng.int(64 * 1024))));
    out.push((rng) => {
      // text/plain has a parser; it yields a string, which only a route with an object body schema refuses. A form
      // is what Prometheus' query API takes, so there it is no wrong type (and unknown keys are ignored, as there).
      const wrong = isPrometheusApi(op.path) ? WRONG_CONTENT_TYPES.filter((t) => t !== FORM) : WRONG_CONTENT_TYPES;
      const types = op.body ? [...wrong, 'text/plain'] : wrong;
      return jsonCase('content-type', op, rng, baseText, rng.pick(types));
    });
    out.push((rng) => ({
      family: 'no-content-type',
      method: op.method,
      url: idUrl(op, rng),
      headers: {},
      payload: Buffer.from(baseText),
      expect: 'reject',
    }));
    out.push((rng) => ({
      family: 'foreign-origin',
      method: op.method,
      url: idUrl(op, rng),
      headers: {
        'content-type': 'application/json',
        origin: rng.pick(['https://evil.example', 'null', 'http://localhost.evil', 'not a url']),
      },
      payload: baseText,
      expect: 'reject',
    }));
    if (identity === 'admin' && !op.public) {
      out.push((rng) => ({
        family: 'csrf',
        method: op.method,
        url: idUrl(op, rng),
        headers: base ? { 'content-type': 'application/json' } : ({} as Record<string, string>),
        ...(base ? { payload: baseText } : {}),
        expect: 'reject',
        csrf: rng.next() < 0.5 ? 'omit' : 'wrong',
      }));
    }
  }

  // Field-level families apply to object bodies (Alertmanager's API v2 takes an array).
  if (op.body?.properties && base) {
    const props = Object.keys(op.body.properties ?? {});
    const required: string[] = op.body.required ?? [];
    out.push((rng) => {
      const key = rng.pick(props);
      return jsonCase('wrong-type', op, rng, JSON.stringify({ ...base, [key]: rng.pick(wrongValues(op.body!.properties[key])) }));
    });
    out.push((rng) => {
      const extra = rng.pick(['isAdmin', 'role_id', 'id', 'passwordHash', 'version', '$where', 'a'.repeat(1 + rng.int(300))]);
      return jsonCase('unknown-field', op, rng, JSON.stringify({ ...base, [extra]: rng.pick([true, 1, 'x', {}, []]) }));
    });
    out.push((rng) => {
      if (required.length === 0) return jsonCase('missing-required', op, rng, '{}');
      const drop = new Set(required.filter(() => rng.next() < 0.5));
      if (drop.size === 0) drop.add(rng.pick(required));
      return jsonCase('missing-required', op, rng, JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => !drop.has(k)))));
    });
    const bounded = props.filter((k) => op.body!.properties[k].maxLength !== undefined);
    if (bounded.length) {
      out.push((rng) => {
        const key = rng.pick(bounded);
        const length = op.body!.properties[key].maxLength + 1 + rng.int(rng.next() < 0.1 ? 100_000 : 2_000);
        return jsonCase(
          'huge-string',
          op,
          rng,
          JSON.stringify({ ...base, [key]: rng.pick(['x', 'é', '😀', '\u0000', '\u202e']).repeat(length) }),
        );
      });
    }
    out.push((rng) => jsonCase('array-for-object', op, rng, JSON.stringify(rng.pick([[base], [], [[]], [base, base]]))));
    out.push((rng) => jsonCase('scalar-body', op, rng, rng.pick(['"x"', '42', 'null', 'true', '""', '-0', '1e400'])));
    out.push((rng) => {
      const depth = 100 + rng.int(5_000);
      if (rng.next() < 0.5) return jsonCase('deep-nesting', op, rng, `{"deep":${deepJson(depth, '1')}}`);
      const key = rng.pick(props);
      const body = `${JSON.stringify({ ...base, [key]: '__DEEP__' })}`.replace('"__DEEP__"', deepJson(depth, '[]'));
      return jsonCase('deep-nesting', op, rng, body);
    });
  }

  if (op.hasId) {
    out.push((rng) => ({
      family: 'bad-id',
      method: op.method,
      url: idUrl(op, rng, rng.pick(BAD_IDS)),
      headers: base ? { 'content-type': 'application/json' } : ({} as Record<string, string>),
      ...(base ? { payload: baseText } : {}),
      expect: 'reject',
    }));
  }

  if (op.query.length) {
    out.push((rng) => {
      const param = rng.pick(op.query);
      const { value, expect } = badQueryValue(rng, param.name, param.schema);
      const encoded = /%[0-9A-Fa-f]{2}/.test(value) ? value : encodeURIComponent(value);
      return { family: 'bad-query', method: op.method, url: `${idUrl(op, rng)}?${param.name}=${encoded}`, headers: {}, expect };
    });
    out.push((rng) => {
      const param = rng.pick(op.query);
      const url = rng.pick([
        `${op.path}?${param.name}=1&${param.name}=2`,
        `${op.path}?${param.name}[]=1`,
        `${op.path}?${param.name}[a]=1`,
        `${op.path}?unknownParam=1`,
        `${op.path}?__proto__[x]=1`,
        `${op.path}?constructor[prototype][x]=1`,
      ]);
      return { family: 'query-shape', method: op.method, url, headers: {}, expect: isPrometheusApi(url) ? 'any' : 'reject' };
    });
  } else if (op.method === 'GET') {
    out.push((rng) => ({
      family: 'ignored-query',
      method: op.method,
      url: `${op.path}?${rng.pick(['limit=-1', 'limit=abc', 'cursor=garbage', '__proto__[x]=1', 'x=%00', 'a=%ff'])}`,
      headers: {},
      expect: 'any',
    }));
  }

  if (identity === 'anonymous' && !op.public) {
    out.push((rng) => ({
      family: 'bad-credentials',
      method: op.method,
      url: idUrl(op, rng),
      headers: rng.pick<Record<string, string>>([
        { authorization: 'Bearer' },
        { authorization: 'Bearer ' },
        { authorization: 'Bearer a b' },
        { authorization: `Bearer estate_${'A'.repeat(43)}` },
        { authorization: `Bearer estate_${'x'.repeat(5000)}` },
        { authorization: 'Basic YWRtaW46YWRtaW4=' },
        { authorization: 'bearer\testate_x' },
        { cookie: 'estate_session=' },
        { cookie: `estate_session=${'A'.repeat(43)}` },
        { cookie: 'estate_session=%ff%fe; estate_session=x' },
        { cookie: `estate_session=${'x'.repeat(4000)}` },
      ]),
      expect: 'reject',
    }));
  }

  if (op.key === 'POST /api/v1/auth/login') {
    // Well-formed sign-ins with hostile strings must reach the store and come back as a clean 401, never a 500.
    out.push((rng) =>
      jsonCase(
        'hostile-login',
        op,
        rng,
        JSON.stringify({
          email: rng.pick(["' OR 1=1 --", '%', '_', '\\', '😀@example.org', 'ADMIN@EXAMPLE.ORG ']),
          password: rng.pick(['x', "' OR '1'='1", '😀'.repeat(64)]),
        }),
      ),
    );
  }
  for (const inputClass of INPUT_CLASSES) out.push(...inputClass({ op, identity, base, baseText, bodyLimit }));
  return out;
}

async function operationsOf(t: TestEstate): Promise<Operation[]> {
  const doc = (await t.anonymous().request('GET', '/api/v1/openapi.json')).json() as {
    paths: Record<string, Record<string, { requestBody?: Schema; parameters?: Schema[] }>>;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const key = `${method.toUpperCase()} ${path}`;
      ops.push({
        method: method.toUpperCase(),
        path,
        key,
        body: op.requestBody?.content?.['application/json']?.schema,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        // A path parameter is an identifier, except Prometheus' label name, which any word is (`abc` is one).
        hasId: path.includes('{') && !path.startsWith('/api/v1/label/'),
        public: PUBLIC.has(key),
      });
    }
  }
  return ops;
}

/** Every row of the tables the fuzzer must not touch, as comparable text. */
async function snapshot(t: TestEstate): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['users', 'api_tokens', 'recovery_codes', 'enrollment_tokens', 'agents']) {
    const rows = await t.database.db.selectFrom(table).selectAll().orderBy('id').execute();
    out[table] = JSON.stringify(rows);
  }
  const sessions = await t.database.db.selectFrom('sessions').select(['id', 'user_id', 'token_hash']).orderBy('id').execute();
  out.sessions = JSON.stringify(sessions);
  return out;
}

/** What `check` reads of an answer, from inject or off a socket. */
type Answer = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body' | 'json'>;

/** Sends a body-less case over a real connection to the listening server. */
async function overSocket(port: number, c: Case, headers: Record<string, string>): Promise<Answer> {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const raw = await rawExchange(port, `${c.method} ${c.url} HTTP/1.1\r\nHost: localhost\r\n${lines.join('')}Connection: close\r\n\r\n`);
  return { statusCode: raw.status, headers: raw.headers, body: raw.body, json: () => JSON.parse(raw.body) };
}

function check(c: Case, res: Answer): string | null {
  const where = `${c.family} ${c.method} ${c.url.slice(0, 120)} → ${res.statusCode}`;
  if (res.statusCode >= 500) return `${where}: server error ${res.body.slice(0, 300)}`;
  if (c.expect === 'reject' && (res.statusCode < 400 || res.statusCode >= 500)) return `${where}: accepted a malformed request`;
  if (res.statusCode === 400 && isPrometheusApi(c.url) && String(res.headers['content-type']).startsWith('application/json')) {
    const body = res.json() as { status?: unknown; errorType?: unknown; error?: unknown };
    if (body.status !== 'error' || body.errorType !== 'bad_data' || typeof body.error !== 'string')
      return `${where}: not Prometheus' error envelope: ${res.body.slice(0, 200)}`;
    return null;
  }
  if (res.statusCode >= 400) {
    if (!String(res.headers['content-type']).startsWith('application/problem+json'))
      return `${where}: content-type ${res.headers['content-type']}`;
    let body: { type?: unknown; status?: unknown };
    try {
      body = res.json();
    } catch {
      return `${where}: body is not JSON: ${res.body.slice(0, 200)}`;
    }
    if (typeof body.type !== 'string' || !body.type.startsWith('urn:estate:problem:')) return `${where}: problem type ${String(body.type)}`;
    if (body.status !== res.statusCode) return `${where}: problem status ${String(body.status)}`;
  }
  return null;
}

for (const engine of testEngines()) {
  describe(`malformed requests on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let port: number;
    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
      port = (t.estate.http.server.address() as { port: number }).port;
    });
    afterAll(() => t?.close());

    it(`answers ${REQUESTS_PER_ENGINE}+ malformed requests with clean 4xx and writes nothing`, { timeout: 60_000 }, async () => {
      const operations = await operationsOf(t);
      expect(operations.length).toBeGreaterThan(15);
      const pairs: Array<{ identity: Identity; family: (rng: Rng) => Case }> = [];
      for (const identity of ['admin', 'anonymous'] as const) {
        for (const op of operations) {
          for (const family of familiesFor(op, identity, t.config.bodyLimit)) pairs.push({ identity, family });
        }
      }
      const before = await snapshot(t);
      const successesBefore = await t.database.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();

      const rng = prng(SEED);
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      const families = new Set<string>();
      let sent = 0;
      expect(pairs.length, 'one round covers every pair').toBeLessThan(REQUESTS_PER_ENGINE);
      while (sent < REQUESTS_PER_ENGINE) {
        for (const { identity, family } of pairs.slice(0, REQUESTS_PER_ENGINE - sent)) {
          const c = family(rng);
          const headers: Record<string, string> = { ...c.headers };
          if (identity === 'admin') {
            headers.cookie = admin.cookie!;
            if (UNSAFE.has(c.method) && c.csrf !== 'omit')
              headers['x-csrf-token'] = c.csrf === 'wrong' ? 'wrong-token' : admin.me!.csrfToken!;
          }
          // A new client address per request keeps per-route rate limits (login, setup) from masking what is behind them.
          const res: Answer =
            c.transport === 'socket'
              ? await overSocket(port, c, headers)
              : await t.estate.http.inject({
                  method: c.method as 'GET',
                  url: c.url,
                  headers,
                  remoteAddress: `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`,
                  ...(c.payload !== undefined ? { payload: c.payload } : {}),
                });
          sent++;
          families.add(c.family);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const problem = check(c, res);
          if (problem) failures.push(`[${identity}] ${problem}`);
        }
      }

      expect(failures.slice(0, 25), `${failures.length} of ${sent} requests misbehaved`).toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(REQUESTS_PER_ENGINE);
      // The generator really produced every kind of refusal, not one kind 1,000 times.
      for (const status of [400, 401, 403, 404, 413, 415, 431])
        expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
      expect(families.size).toBeGreaterThanOrEqual(20);
      for (const family of [
        'lone-surrogate-value',
        'lone-surrogate-key',
        'raw-surrogate',
        'foreign-charset',
        'oversized-query',
        'oversized-unsigned-agent-body',
      ])
        expect(families, family).toContain(family);

      expect(await snapshot(t)).toEqual(before);
      const successes = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'target_id'])
        .where('seq', '>', Number(successesBefore.seq ?? 0))
        .where('outcome', '=', 'success')
        .execute();
      expect(successes, 'no audited change succeeded').toEqual([]);
      // The admin's session survived the run, so every admin request really was authenticated.
      expect((await admin.request('GET', '/api/v1/me')).statusCode).toBe(200);
    });

    // The inputs below are kept out of the random stream so that each class of defect fails under its own name.

    it('refuses out-of-range cursor keys and time filters before they reach the store', async () => {
      const lists = ['/api/v1/users', '/api/v1/tokens', '/api/v1/me/sessions', '/api/v1/audit-events'];
      const numericKeyed = '/api/v1/audit-events';
      const cursors = ['["abc"]', '[1.5]', '[1e308]', '[1e400]', '[99999999999999999999]', '["a\\u0000b"]', '[true]', '[-1]', '["\'--"]'];
      for (const list of lists) {
        for (const cursor of cursors) {
          const res = await admin.request('GET', `${list}?cursor=${b64(cursor)}`);
          const c: Case = { family: 'cursor-key', method: 'GET', url: `${list}?cursor=${cursor}`, headers: {}, expect: 'any' };
          expect(check(c, res)).toBeNull();
          const wellTyped = cursor === '[-1]' || (list !== numericKeyed && cursor.startsWith('["') && !cursor.includes('\\u0000'));
          expect(res.statusCode, `${c.url}: ${res.body}`).toBe(wellTyped ? 200 : 400);
        }
      }
      for (const filter of ['since', 'until']) {
        for (const value of ['100000000000000000000', '9223372036854775808', '8640000000000001']) {
          const res = await admin.request('GET', `/api/v1/audit-events?${filter}=${value}`);
          expect(res.statusCode, `${filter}=${value}: ${res.body}`).toBe(400);
          expect(res.json().type).toBe('urn:estate:problem:validation');
        }
      }
    });

    it('answers a path the router cannot decode, or an over-long id, as problem+json', async () => {
      const urls = [
        '/api/v1/users/%ff%fe',
        '/api/v1/tokens/%E0%A4%A',
        '/api/v1/me/sessions/%',
        `/api/v1/users/${'x'.repeat(300)}`,
        `/api/v1/tokens/${'0'.repeat(201)}`,
      ];
      for (const [agent, who] of [
        [admin, 'admin'],
        [t.anonymous(), 'anonymous'],
      ] as const) {
        for (const url of urls) {
          const method = url.startsWith('/api/v1/users/') ? 'GET' : 'DELETE';
          const res = await agent.request(method, url);
          const c: Case = { family: 'router', method, url, headers: {}, expect: 'reject' };
          expect(check(c, res), who).toBeNull();
        }
      }
    });

    it('never answers 500 for a U+0000 character in a string that reaches the store', async () => {
      const failures: string[] = [];
      const query = [
        '/api/v1/users?q=%00',
        '/api/v1/users?q=a%00b',
        '/api/v1/audit-events?actorId=a%00b',
        '/api/v1/audit-events?action=a%00b',
        '/api/v1/audit-events?targetType=a%00b',
        '/api/v1/audit-events?targetId=a%00b',
      ];
      for (const url of query) {
        const res = await admin.request('GET', url);
        const problem = check({ family: 'nul', method: 'GET', url, headers: {}, expect: 'any' }, res);
        if (problem) failures.push(problem);
      }
      for (const email of ['a\u0000b@example.org', 'admin@example.org\u0000']) {
        const res = await t.estate.http.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: 'not the password' },
          remoteAddress: '10.250.0.1',
        });
        const problem = check(
          { family: 'nul', method: 'POST', url: `/api/v1/auth/login (${JSON.stringify(email)})`, headers: {}, expect: 'reject' },
          res,
        );
        if (problem) failures.push(problem);
      }
      const created = await admin.request('POST', '/api/v1/tokens', { name: 'nul\u0000name', scopes: ['self'] });
      const problem = check(
        { family: 'nul', method: 'POST', url: '/api/v1/tokens (name with U+0000)', headers: {}, expect: 'any' },
        created,
      );
      if (problem) failures.push(problem);
      expect(failures).toEqual([]);
    });

    // Last: everything above went through the audit log; an operator's check must find nothing altered.
    it('leaves an audit chain that the real `estate audit verify` finds intact', { timeout: 30_000 }, async () => {
      const run = await verifyAuditWithCli(t.database);
      expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/^Audit log intact: \d+ events verified\.\n$/);
    });
  });
}
