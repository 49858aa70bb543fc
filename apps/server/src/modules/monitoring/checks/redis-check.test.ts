import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { CheckTimeoutError } from '@estate/checks/checks/abort-reasons';
import { CheckConfigError } from '@estate/checks/checks/check-executor';
import { closedPort, policyWithNames, startSilentServer, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import { encodeCommand, parseReply, RespError, redisCheck, replyText } from '@estate/checks/checks/redis-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceTier } from './database-tier.fixtures';

const HOST = '127.0.0.1';
const PORT = 6379;
const runs = await serviceTier('Redis', HOST, PORT);

async function run(config: Record<string, unknown>, options: { secrets?: Record<string, string>; signal?: AbortSignal } = {}) {
  const check = redisCheck(policyWithNames({ 'cache.test': [HOST] }));
  return check.run(check.validate(config, options.secrets), options.signal ?? new AbortController().signal);
}

/** Sends commands to the real Redis as its default user and returns the replies. */
async function admin(...commands: string[][]): Promise<unknown[]> {
  const socket = net.connect({ host: HOST, port: PORT });
  let buf = Buffer.alloc(0);
  const replies: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let reply = parseReply(buf); reply; reply = parseReply(buf)) {
        replies.push(reply.value);
        buf = buf.subarray(reply.end);
      }
      if (replies.length === commands.length) resolve();
    });
    socket.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
  });
  socket.destroy();
  return replies;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('redis protocol', () => {
  it('parses simple, error, integer, bulk, null and nested array replies, and waits for a whole reply', () => {
    const parse = (text: string) => parseReply(Buffer.from(text));
    expect(parse('+PONG\r\n')).toEqual({ value: 'PONG', end: 7 });
    expect(parse('-WRONGPASS invalid\r\n')!.value).toEqual(new RespError('WRONGPASS invalid'));
    expect(parse(':-42\r\n')!.value).toBe(-42);
    expect(parse('$5\r\nhe\r\no\r\n')!.value).toBe('he\r\no');
    expect(parse('$-1\r\n')!.value).toBeNull();
    expect(parse('*2\r\n$1\r\na\r\n*1\r\n:7\r\n')!.value).toEqual(['a', [7]]);
    expect(parse('$5\r\nhel')).toBeUndefined();
    expect(parse('*2\r\n:1\r\n')).toBeUndefined();
    expect(() => parse('HTTP/1.1 400\r\n')).toThrow(/not a RESP reply/);
    expect(() => parse(':x\r\n')).toThrow(/not an integer/);
    expect(replyText(['a', 7, null])).toBe('["a",7,null]');
    expect(encodeCommand(['GET', 'k']).toString()).toBe('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
  });

  it('cuts a bulk reply longer than the cap once the cap has arrived', () => {
    const big = Buffer.from(`$10\r\n0123456789\r\n`);
    expect(parseReply(big, 4)).toEqual({ value: '0123', end: big.length, truncated: true });
    expect(parseReply(Buffer.from('$10\r\n01'), 4)).toBeUndefined();
  });
});

describe('redis check: configuration', () => {
  it('sends only read-only commands, with the arguments they take', () => {
    const check = redisCheck();
    const field = (config: unknown) => {
      try {
        return check.validate(config).command.join(' ');
      } catch (err) {
        if (err instanceof CheckConfigError) return err.message;
        throw err;
      }
    };
    expect(field({ host: 'c' })).toBe('PING');
    expect(field({ host: 'c', command: 'info replication' })).toBe('INFO replication');
    expect(field({ host: 'c', command: ['GET', 'a key'] })).toBe('GET a key');
    expect(field({ host: 'c', command: 'SET k v' })).toMatch(/^command: only read-only commands are sent: PING, INFO, GET/);
    expect(field({ host: 'c', command: 'FLUSHALL' })).toMatch(/^command: only read-only/);
    expect(field({ host: 'c', command: 'GET' })).toBe('command: GET takes 1 arguments');
    expect(field({ host: 'c', command: 'PING', username: 'u' })).toBe('username: needs the secret password');
    expect(check.validate({ host: 'c' }, { password: 'p' })).toMatchObject({ port: 6379, password: 'p' });
  });

  it('is down on a refused port, and stops on a server that never answers when its signal aborts', async () => {
    const port = await closedPort();
    const refused = await run({ host: HOST, port });
    expect(refused.message).toBe(`Connection refused by 127.0.0.1 port ${port}`);

    const silent = await startSilentServer();
    servers.push(silent);
    const stop = new AbortController();
    const running = run({ host: HOST, port: silent.port }, { signal: stop.signal });
    while (silent.connections() === 0) await new Promise((r) => setTimeout(r, 5));
    stop.abort(new CheckTimeoutError(3000));
    const outcome = await running;
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Timed out: The check did not finish within 3000 ms.');
  });
});

describe.runIf(runs)('redis check against the real Redis', () => {
  const tag = randomBytes(4).toString('hex');
  const user = `estate_chk_${tag}`;
  const password = `Pw-${randomBytes(8).toString('hex')}`;
  const key = `estate:chk:${tag}`;

  beforeAll(async () => {
    const replies = await admin(['ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all'], ['SELECT', '1'], ['SET', key, '42']);
    expect(replies).toEqual(['OK', 'OK', 'OK']);
  });
  afterAll(async () => {
    await admin(['ACL', 'DELUSER', user], ['SELECT', '1'], ['DEL', key]);
  });

  it('is up with the reply as [BODY]: PING, and GET in a selected database as an ACL user', async () => {
    const ping = await run({ host: 'cache.test', conditions: ['[BODY] == PONG', '[IP] == 127.0.0.1'] });
    expect(ping.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(ping.message).toMatch(/^PING on cache\.test:6379 \(127\.0\.0\.1\) answered in \d+ ms$/);
    const get = await run(
      { host: HOST, username: user, db: 1, command: `GET ${key}`, conditions: ['[CONNECTED] == true', '[BODY] == 42'] },
      { secrets: { password } },
    );
    expect(get.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(get.status).toBe('up');
    const elsewhere = await run(
      { host: HOST, username: user, db: 0, command: `GET ${key}`, conditions: ['[BODY] == 42'] },
      { secrets: { password } },
    );
    expect(elsewhere.message).toBe('Condition failed: [BODY] (absent) == 42');
    const info = await run({ host: HOST, command: 'INFO server', conditions: ['[BODY] == pat(*redis_version:*)'] });
    expect(info.status).toBe('up');
  });

  it('is down on a wrong password, with the cause and without the password', async () => {
    const wrongPassword = `${password}-wrong`;
    const outcome = await run({ host: HOST, username: user }, { secrets: { password: wrongPassword } });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^The server refused the login: WRONGPASS /);
    expect(JSON.stringify(outcome)).not.toContain(wrongPassword);
    expect(outcome.conditions[0]!.reason).toBe('[CONNECTED] (false) == true');
  });

  it('is down on a database the server does not have', async () => {
    const outcome = await run({ host: HOST, db: 100_000 });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('The server refused database 100000: ERR DB index is out of range');
  });

  it('is down when the ACL user may not run the command', async () => {
    await admin(['ACL', 'SETUSER', user, '-get']);
    const outcome = await run({ host: HOST, username: user, db: 1, command: `GET ${key}` }, { secrets: { password } });
    await admin(['ACL', 'SETUSER', user, '+get']);
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^GET failed: NOPERM /);
  });
});
