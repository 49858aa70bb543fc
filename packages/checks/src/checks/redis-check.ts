import type net from 'node:net';
import type { Condition } from '../conditions/condition-parser';
import type { PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckType, concluder, parseCheckConditions } from './check-executor';
import { configRecord, guardedSocket, hostField, hostPort, optionalText, passwordSecret, portField, redact } from './database-connection';
import { type CheckNetworkPolicy, DEFAULT_CHECK_NETWORK_POLICY, describeConnectionError, literalRefusal } from './outbound-connection';

/** A Redis check's configuration after validation. The password is never part of an outcome. */
export interface RedisCheckConfig {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  /** The command and its arguments, the name upper-cased; one of {@link REDIS_READ_COMMANDS}. */
  command: string[];
  conditionSources: string[];
  conditions: Condition[];
}

/** The commands a Redis check may send, none of which writes, with how many arguments each takes. */
export const REDIS_READ_COMMANDS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  PING: [0, 1],
  INFO: [0, 1],
  GET: [1, 1],
  EXISTS: [1, 64],
  DBSIZE: [0, 0],
  LLEN: [1, 1],
  SCARD: [1, 1],
  ZCARD: [1, 1],
  HLEN: [1, 1],
  TTL: [1, 1],
  TYPE: [1, 1],
  ECHO: [1, 1],
};

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'RESPONSE_TIME', 'IP', 'BODY'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];
/** The most bytes of one reply read; a longer bulk string is cut there, anything else longer is a failure. */
export const MAX_REPLY_BYTES = 1024 * 1024;

function validate(raw: unknown, secrets: Readonly<Record<string, string>> = {}): RedisCheckConfig {
  const r = configRecord(raw);
  let db: number | undefined;
  if (r.db !== undefined) {
    if (typeof r.db !== 'number' || !Number.isInteger(r.db) || r.db < 0 || r.db > 100_000) {
      throw new CheckConfigError('db', 'must be a database number from 0');
    }
    db = r.db;
  }
  const words = r.command === undefined ? ['PING'] : Array.isArray(r.command) ? r.command : String(r.command).trim().split(/\s+/);
  if (words.length === 0 || words.some((w) => typeof w !== 'string' || w === '')) {
    throw new CheckConfigError('command', 'must be a command with its arguments, as text or a list of words');
  }
  const [name, ...args] = words as string[];
  const arity = REDIS_READ_COMMANDS[name!.toUpperCase()];
  if (!arity) throw new CheckConfigError('command', `only read-only commands are sent: ${Object.keys(REDIS_READ_COMMANDS).join(', ')}`);
  if (args.length < arity[0] || args.length > arity[1]) {
    throw new CheckConfigError(
      'command',
      `${name!.toUpperCase()} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1]}`} arguments`,
    );
  }
  const password = passwordSecret(r, secrets);
  const username = optionalText(r, 'username');
  if (username !== undefined && password === undefined) throw new CheckConfigError('username', 'needs the secret password');
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return {
    host: hostField(r),
    port: portField(r, 6379),
    db,
    username,
    password,
    command: [name!.toUpperCase(), ...args],
    conditionSources: sources,
    conditions: parsed,
  };
}

/** A parsed RESP2 reply. Errors are values here; the caller decides what they mean. */
export type RespValue = string | number | null | RespError | RespValue[];

export class RespError {
  constructor(readonly message: string) {}
}

/** One command as RESP: an array of bulk strings. */
export function encodeCommand(words: readonly string[]): Buffer {
  const parts = words.map((w) => {
    const bytes = Buffer.from(w, 'utf8');
    return Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]);
  });
  return Buffer.concat([Buffer.from(`*${words.length}\r\n`), ...parts]);
}

/**
 * Parses one reply at the start of `buf`: the value and the bytes it took, or undefined when more bytes are needed.
 * A top-level bulk string longer than `maxBytes` is returned cut once `maxBytes` of it arrived (`truncated`); any other
 * reply is refused past `maxBytes` by the caller. Throws on bytes that are not RESP.
 */
export function parseReply(
  buf: Buffer,
  maxBytes = MAX_REPLY_BYTES,
  at = 0,
  top = true,
): { value: RespValue; end: number; truncated?: boolean } | undefined {
  const lineEnd = buf.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const kind = String.fromCharCode(buf[at]!);
  const line = buf.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (kind) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      if (!/^-?\d+$/.test(line)) throw new Error(`not an integer reply: ${line.slice(0, 40)}`);
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (!Number.isInteger(length) || length < -1) throw new Error(`bad bulk length: ${line.slice(0, 40)}`);
      if (length === -1) return { value: null, end: next };
      if (top && length > maxBytes) {
        if (buf.length - next < maxBytes) return undefined;
        return { value: buf.toString('utf8', next, next + maxBytes), end: buf.length, truncated: true };
      }
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (!Number.isInteger(count) || count < -1) throw new Error(`bad array length: ${line.slice(0, 40)}`);
      if (count === -1) return { value: null, end: next };
      const items: RespValue[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, maxBytes, end, false);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`not a RESP reply (starts with ${JSON.stringify(kind)})`);
  }
}

/** A reply as the text `[BODY]` compares: strings as they are, integers in decimal, arrays as JSON. */
export function replyText(value: RespValue): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value instanceof RespError) return value.message;
  return JSON.stringify(value.map((v) => (Array.isArray(v) || v instanceof RespError ? replyText(v) : v)));
}

/** Sends commands one at a time on a socket and reads each reply, up to {@link MAX_REPLY_BYTES}. */
class RespConnection {
  private buffer = Buffer.alloc(0);
  private waiting?: { resolve: (r: { value: RespValue; truncated?: boolean }) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(Object.assign(new Error('the server closed the connection'), { code: 'ECLOSED' })));
  }

  send(words: readonly string[]): Promise<{ value: RespValue; truncated?: boolean }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(encodeCommand(words));
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    let reply: ReturnType<typeof parseReply>;
    try {
      reply = parseReply(this.buffer);
      if (!reply && this.buffer.length > MAX_REPLY_BYTES + 64) throw new Error(`a reply longer than ${MAX_REPLY_BYTES} bytes`);
    } catch (err) {
      this.fail(new Error(`The server's reply is not Redis's protocol: ${(err as Error).message}`));
      this.socket.destroy();
      return;
    }
    if (!reply) return;
    this.buffer = this.buffer.subarray(reply.end);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve({ value: reply.value, truncated: reply.truncated });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}

/**
 * The Redis check: speaks RESP over a connection opened through the outbound policy: AUTH when a password is set,
 * SELECT when `db` is, then one read-only command. `[CONNECTED]` says whether the server accepted the login (and
 * database), `[BODY]` is the command's reply as text, `[RESPONSE_TIME]` the time from the start to the reply.
 */
export function redisCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<RedisCheckConfig> {
  return {
    type: 'redis',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    secretNames: ['password'],
    validate,
    target: (config) => hostPort(config.host, config.port),
    async run(config, signal) {
      const startedAt = performance.now();
      const details: Record<string, unknown> = { command: config.command[0] };
      const conclude = concluder(config.conditions, startedAt, signal, details);
      if (signal.aborted) return conclude({}, undefined);
      const refused = literalRefusal(config.host, policy);
      if (refused) return conclude({}, refused.message);

      const guarded = guardedSocket(config.host, config.port, policy);
      const onAbort = () => guarded.socket.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      const connection = new RespConnection(guarded.socket);
      const where = hostPort(config.host, config.port);
      let loggedIn = false;
      try {
        guarded.connect();
        const step = async (words: string[], what: string) => {
          const reply = await connection.send(words);
          if (reply.value instanceof RespError) throw new RespError(`${what}: ${reply.value.message}`);
          return reply;
        };
        if (config.password !== undefined) {
          await step(
            config.username ? ['AUTH', config.username, config.password] : ['AUTH', config.password],
            'The server refused the login',
          );
        }
        if (config.db !== undefined) await step(['SELECT', String(config.db)], `The server refused database ${config.db}`);
        loggedIn = true;
        const sent = await connection.send(config.command);
        if (sent.value instanceof RespError) {
          // A server that wants a login the check did not give answers the command itself with NOAUTH.
          if (/^(NOAUTH|WRONGPASS|NOPERM)/.test(sent.value.message)) loggedIn = false;
          throw new RespError(`${config.command[0]} failed: ${sent.value.message}`);
        }
        const reply = sent;
        const responseTimeMs = performance.now() - startedAt;
        details.address = guarded.address();
        details.timings = { connectMs: guarded.connectMs(), totalMs: responseTimeMs };
        if (reply.truncated) details.replyTruncated = true;
        const context = { connected: true, responseTimeMs, ip: guarded.address(), body: replyText(reply.value) };
        return conclude(
          context,
          undefined,
          `${config.command[0]} on ${where} (${guarded.address()}) answered in ${Math.round(responseTimeMs)} ms`,
        );
      } catch (err) {
        details.address = guarded.address();
        details.timings = { connectMs: guarded.connectMs(), totalMs: performance.now() - startedAt };
        const e = err as NodeJS.ErrnoException;
        const failure =
          err instanceof RespError
            ? err.message
            : e.code === 'ECLOSED'
              ? `The server at ${where} closed the connection`
              : e.message?.startsWith("The server's reply")
                ? e.message
                : describeConnectionError(err, config.host, config.port);
        return conclude({ connected: loggedIn, ip: guarded.address() }, redact(failure, config.password));
      } finally {
        signal.removeEventListener('abort', onAbort);
        guarded.socket.destroy();
      }
    },
  };
}
