import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckOutcome, type CheckType, concludeRun, parseCheckConditions } from './check-executor';
import {
  addressRefusal,
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  describeConnectionError,
  guardedLookup,
  literalRefusal,
} from './outbound-connection';
import { type TlsHandshake, type TlsTrust, tlsHandshake, untrustedReason, validateTlsTrust } from './tls-check';

/** A mail server banner check's configuration after validation (SMTP or IMAP). */
export interface BannerCheckConfig extends TlsTrust {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (SMTPS 465, IMAPS 993). */
  tls: boolean;
  /** Upgrade the plain connection with STARTTLS after the greeting (SMTP: after EHLO). */
  starttls: boolean;
  /** What the greeting must start with. */
  expect: string;
  conditionSources: string[];
  conditions: Condition[];
}

/** The most bytes one reply (the greeting, EHLO's answer, …) may take; a longer one fails the check. */
export const MAX_REPLY_BYTES = 4096;

const PLACEHOLDERS: readonly PlaceholderName[] = ['BODY', 'CONNECTED', 'RESPONSE_TIME', 'CERTIFICATE_EXPIRATION', 'IP'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];

/** A conversation failure the check words itself (the target's doing, not a socket error). */
class ConversationError extends Error {}

/** Reads CRLF- or LF-terminated lines from a stream, each reply capped at {@link MAX_REPLY_BYTES}. */
class LineReader {
  private buffer = Buffer.alloc(0);
  private replyBytes = 0;
  private what = 'the greeting';
  private waiter?: { resolve: (line: string) => void; reject: (err: Error) => void };
  private failure?: Error;
  private readonly listeners: [string, Parameters<Duplex['on']>[1]][] = [
    ['data', (chunk: Buffer) => this.take(chunk)],
    ['end', () => this.fail(new ConversationError('the server closed the connection'))],
    ['close', () => this.fail(new ConversationError('the server closed the connection'))],
    ['error', (err: Error) => this.fail(err)],
  ];

  constructor(private readonly stream: Duplex) {
    for (const [event, listener] of this.listeners) stream.on(event, listener);
  }

  /** Starts a new reply, `what` for messages: its lines count toward a fresh cap. */
  reply(what: string): void {
    this.what = what;
    this.replyBytes = 0;
  }

  line(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.pump();
    });
  }

  /** Stops reading, so the stream can be handed to TLS; what was read and not taken is dropped. */
  detach(): void {
    for (const [event, listener] of this.listeners) this.stream.off(event, listener);
  }

  /** The bytes of the line under way when the reply was cut at the cap, else undefined. */
  cut?: string;

  private take(chunk: Buffer): void {
    // Past the cap nothing more is kept: a reply that long fails anyway.
    if (this.buffer.length <= MAX_REPLY_BYTES) this.buffer = Buffer.concat([this.buffer, chunk]);
    this.pump();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.pump();
  }

  private pump(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const end = this.buffer.indexOf(0x0a);
    if (end >= 0 && this.replyBytes + end + 1 <= MAX_REPLY_BYTES) {
      this.replyBytes += end + 1;
      const line = this.buffer.subarray(0, end).toString('latin1').replace(/\r$/, '');
      this.buffer = this.buffer.subarray(end + 1);
      this.waiter = undefined;
      waiter.resolve(line);
    } else if (end >= 0 || this.replyBytes + this.buffer.length > MAX_REPLY_BYTES) {
      this.waiter = undefined;
      this.cut = this.buffer.subarray(0, MAX_REPLY_BYTES).toString('latin1');
      waiter.reject(new ConversationError(`${this.what} is longer than ${MAX_REPLY_BYTES} bytes`));
    } else if (this.failure) {
      this.waiter = undefined;
      waiter.reject(this.failure);
    }
  }
}

/** How one protocol greets, upgrades to TLS and says goodbye. */
interface MailProtocol {
  type: 'smtp' | 'imap';
  name: string;
  plainPort: number;
  tlsPort: number;
  expect: string;
  /** Reads the greeting (SMTP: a reply of one or more lines). */
  greeting(reader: LineReader): Promise<string>;
  /** Asks for STARTTLS after the greeting; resolves when the server is ready for the handshake. */
  starttls(reader: LineReader, send: (line: string) => void, local: string | undefined): Promise<void>;
  goodbye: string;
}

/** One reply: lines up to the one `last` accepts, that one included. */
async function readReply(reader: LineReader, last: (line: string) => boolean, what = 'a reply'): Promise<string[]> {
  reader.reply(what);
  const lines: string[] = [];
  do lines.push(await reader.line());
  while (!last(lines.at(-1) as string));
  return lines;
}

/** An SMTP reply: lines `250-…` up to the last `250 …`. */
const smtpReply = (reader: LineReader, what?: string) => readReply(reader, (line) => !/^\d{3}-/.test(line), what);

const SMTP: MailProtocol = {
  type: 'smtp',
  name: 'SMTP',
  plainPort: 25,
  tlsPort: 465,
  expect: '220',
  greeting: async (reader) => (await smtpReply(reader, 'the greeting')).join('\n'),
  async starttls(reader, send, local) {
    // EHLO names the client by its address literal (RFC 5321 4.1.3), as it has no name of its own to give.
    send(`EHLO ${local === undefined ? '[127.0.0.1]' : net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`}`);
    const ehlo = await smtpReply(reader);
    if (!ehlo.at(-1)?.startsWith('250')) throw new ConversationError(`the server refused EHLO: ${ehlo.join(' ')}`);
    if (!ehlo.some((line) => /^250[- ]STARTTLS\b/i.test(line))) throw new ConversationError('the server does not offer STARTTLS');
    send('STARTTLS');
    const ready = await smtpReply(reader);
    if (!ready.at(-1)?.startsWith('220')) throw new ConversationError(`the server refused STARTTLS: ${ready.join(' ')}`);
  },
  goodbye: 'QUIT',
};

/** Untagged IMAP lines up to the one tagged `tag`, that one included. */
const imapTagged = (reader: LineReader, tag: string) => readReply(reader, (line) => line.startsWith(`${tag} `));

const IMAP: MailProtocol = {
  type: 'imap',
  name: 'IMAP',
  plainPort: 143,
  tlsPort: 993,
  expect: '* OK',
  greeting: async (reader) => (await readReply(reader, () => true, 'the greeting'))[0] as string,
  async starttls(reader, send) {
    send('e1 CAPABILITY');
    const capability = await imapTagged(reader, 'e1');
    if (!capability.some((line) => /^\* CAPABILITY\b.*\bSTARTTLS\b/i.test(line))) {
      throw new ConversationError('the server does not offer STARTTLS');
    }
    send('e2 STARTTLS');
    const ready = await imapTagged(reader, 'e2');
    if (!/^e2 OK\b/i.test(ready.at(-1) ?? '')) throw new ConversationError(`the server refused STARTTLS: ${ready.at(-1)}`);
  },
  goodbye: 'e3 LOGOUT',
};

function validateFor(protocol: MailProtocol) {
  return (raw: unknown): BannerCheckConfig => {
    if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
    const r = raw as Record<string, unknown>;
    if (typeof r.host !== 'string' || r.host.trim() === '') throw new CheckConfigError('host', 'a host name or address is required');
    for (const field of ['tls', 'starttls'] as const) {
      if (r[field] !== undefined && typeof r[field] !== 'boolean') throw new CheckConfigError(field, 'must be true or false');
    }
    const implicitTls = r.tls === true;
    const starttls = r.starttls === true;
    if (implicitTls && starttls)
      throw new CheckConfigError('starttls', 'is for a plain connection; with tls the connection is TLS from the start');
    const port = r.port ?? (implicitTls ? protocol.tlsPort : protocol.plainPort);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new CheckConfigError('port', 'must be a whole number from 1 to 65535');
    }
    if (r.expect !== undefined && (typeof r.expect !== 'string' || r.expect === '')) {
      throw new CheckConfigError('expect', 'must be the text the greeting starts with');
    }
    const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
    return {
      host: r.host.trim().replace(/^\[(.*)\]$/, '$1'),
      port,
      tls: implicitTls,
      starttls,
      expect: (r.expect as string | undefined) ?? protocol.expect,
      ...validateTlsTrust(r),
      conditionSources: sources,
      conditions: parsed,
    };
  };
}

/** Opens a plain connection through the outbound policy; resolves with the socket or the error, never rejects. */
function connectPlain(
  config: BannerCheckConfig,
  policy: CheckNetworkPolicy,
  signal: AbortSignal,
): Promise<{ socket?: net.Socket; error?: unknown }> {
  const refused = literalRefusal(config.host, policy);
  if (refused) return Promise.resolve({ error: refused });
  return new Promise((resolve) => {
    const socket = net.connect({ host: config.host, port: config.port, lookup: guardedLookup(policy, () => {}) });
    const done = (result: { socket?: net.Socket; error?: unknown }) => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      if (!result.socket) socket.destroy();
      resolve(result);
    };
    const onAbort = () => done({ error: signal.reason });
    const onError = (error: Error) => done({ error });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    socket.once('connect', () => {
      const reached = socket.remoteAddress;
      const refusal = reached ? addressRefusal(reached, policy) : null;
      done(refusal ? { error: new DestinationRefusedError(config.host, reached as string, refusal) } : { socket });
    });
  });
}

/** The SMTP and IMAP checks: one implementation, two protocols. */
function bannerCheck(protocol: MailProtocol, policy: CheckNetworkPolicy): CheckType<BannerCheckConfig> {
  return {
    type: protocol.type,
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    validate: validateFor(protocol),
    target: (config) => (config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`),
    async run(config, signal): Promise<CheckOutcome> {
      const startedAt = performance.now();
      const where = `${config.host} port ${config.port}`;
      const details: Record<string, unknown> = {};
      const context: CheckResultContext = { connected: false };
      let handshake: TlsHandshake | undefined;
      let plain: net.Socket | undefined;
      let socket: Duplex | undefined;
      let failure: string | undefined;
      let greeted = false;
      let reader: LineReader | undefined;
      const onAbort = () => {
        socket?.destroy();
        plain?.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const secured = (result: TlsHandshake) => {
        handshake = result;
        details.tls = result.peer;
        if (result.validToMs !== undefined) context.certificateExpiresInMs = result.validToMs - Date.now();
        return untrustedReason(result, config, config.host);
      };
      try {
        if (config.tls) {
          const result = await tlsHandshake(config, config, policy, signal);
          context.ip = details.address = result.address;
          if (!result.socket) return conclude(describeConnectionError(result.error, config.host, config.port));
          socket = result.socket;
          failure = secured(result);
        } else {
          const result = await connectPlain(config, policy, signal);
          if (!result.socket) return conclude(describeConnectionError(result.error, config.host, config.port));
          socket = plain = result.socket;
          context.ip = details.address = result.socket.remoteAddress;
        }
        context.connected = true;
        if (failure !== undefined) return conclude(failure);
        reader = new LineReader(socket);
        const banner = await protocol.greeting(reader);
        context.body = details.banner = banner;
        greeted = true;
        if (!banner.startsWith(config.expect)) {
          return conclude(
            `Unexpected ${protocol.name} greeting from ${where}: "${banner.slice(0, 200)}" (expected it to start with "${config.expect}")`,
          );
        }
        const send = (line: string) => socket?.write(`${line}\r\n`);
        if (config.starttls && plain) {
          await protocol.starttls(reader, send, plain.localAddress);
          reader.detach();
          // From here TLS reads the socket and reports its errors; this keeps a late one from going unhandled.
          plain.on('error', () => {});
          const result = await tlsHandshake({ host: config.host, port: config.port, socket: plain }, config, policy, signal);
          if (!result.socket) return conclude(describeConnectionError(result.error, config.host, config.port));
          socket = result.socket;
          failure = secured(result);
        }
        context.responseTimeMs = performance.now() - startedAt;
        return conclude(failure);
      } catch (err) {
        if (!greeted && reader?.cut !== undefined) {
          context.body = reader.cut;
          details.bannerTruncated = true;
        }
        return conclude(
          err instanceof ConversationError
            ? `${protocol.name} with ${where}: ${err.message}`
            : describeConnectionError(err, config.host, config.port),
        );
      } finally {
        signal.removeEventListener('abort', onAbort);
        const close = () => {
          socket?.destroy();
          plain?.destroy();
        };
        // A polite goodbye once the server greeted: the command, then the end of our side; the reply is not waited
        // for, and the sockets go once it is flushed (or after a second if the server stops reading).
        if (greeted && socket && !socket.destroyed && !signal.aborted) {
          socket.end(`${protocol.goodbye}\r\n`, close);
          setTimeout(close, 1_000).unref();
        } else {
          close();
        }
      }

      function conclude(why: string | undefined): CheckOutcome {
        details.timings = { totalMs: performance.now() - startedAt };
        const tlsNote = handshake?.peer ? ` over ${handshake.peer.protocol}` : '';
        return concludeRun({
          conditions: config.conditions,
          context,
          startedAt,
          aborted: signal.aborted ? signal : undefined,
          failure: why,
          summary: `${protocol.name} greeting from ${where}${tlsNote} in ${Math.round(context.responseTimeMs ?? 0)} ms`,
          details,
        });
      }
    },
  };
}

/** The SMTP banner check: the greeting starts with `220` (or `expect`); STARTTLS after EHLO, or implicit TLS on 465. */
export function smtpCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<BannerCheckConfig> {
  return bannerCheck(SMTP, policy);
}

/** The IMAP banner check: the greeting starts with `* OK` (or `expect`); STARTTLS by capability, or implicit TLS on 993. */
export function imapCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<BannerCheckConfig> {
  return bannerCheck(IMAP, policy);
}
