import { rmSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { imapCheck, MAX_REPLY_BYTES, smtpCheck } from '@estate/checks/checks/banner-check';
import { CheckConfigError } from '@estate/checks/checks/check-executor';
import { listen, policyWithNames, startSilentServer, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import { CHECK_REFUSED_BY_DEFAULT } from '@estate/checks/checks/outbound-connection';
import { makeTestPki, type TestPki } from '@estate/checks/checks/tls-pki.fixtures';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../platform/db/test-databases';
import { CheckRemovedError, CheckTimeoutError } from '../scheduler/check-run';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(server: net.Server): Promise<TestServer> {
  const started = await listen(server);
  servers.push(started);
  return started;
}

/** A real SMTP server (the smtp-server package) whose logger records the commands it received. */
async function smtpServer(options: SMTPServerOptions): Promise<TestServer & { commands: string[] }> {
  const commands: string[] = [];
  const noop = () => {};
  const logger = {
    trace: noop,
    info: noop,
    warn: noop,
    error: noop,
    fatal: noop,
    debug: (meta: { command?: string }) => {
      if (meta?.command) commands.push(meta.command);
    },
  };
  const smtp = new SMTPServer({
    name: 'mail.estate.test',
    banner: 'Estate test',
    authOptional: true,
    disableReverseLookup: true,
    ...options,
    logger,
  });
  // A client that leaves mid-handshake (as the check does on an untrusted certificate) is an error event here.
  smtp.on('error', noop);
  // smtp-server listens through its net (or tls) server, which the fixture starts and stops.
  const server = await serve((smtp as unknown as { server: net.Server }).server);
  return { ...server, commands };
}

/**
 * A small IMAP server: greets, answers CAPABILITY (with STARTTLS), STARTTLS (then TLS with `tlsOptions`) and LOGOUT,
 * and records every line it received.
 */
async function imapServer(tlsOptions: tls.SecureContextOptions, implicitTls = false): Promise<TestServer & { lines: string[] }> {
  const lines: string[] = [];
  const converse = (socket: net.Socket | tls.TLSSocket) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        lines.push(line);
        const [tag, command] = line.split(' ');
        if (command === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1 STARTTLS\r\n${tag} OK done\r\n`);
        else if (command === 'LOGOUT') socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else if (command === 'STARTTLS') {
          socket.off('data', onData);
          socket.write(`${tag} OK begin TLS\r\n`, () => {
            const secure = new tls.TLSSocket(socket, { isServer: true, ...tlsOptions });
            secure.on('error', () => {});
            converse(secure);
          });
          return;
        } else socket.write(`${tag} BAD unknown\r\n`);
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  };
  const greet = (socket: net.Socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1 STARTTLS] Estate IMAP ready\r\n');
    converse(socket);
  };
  const server = implicitTls ? tls.createServer(tlsOptions, greet) : net.createServer(greet);
  return { ...(await serve(server)), lines };
}

const localhost = policyWithNames({ localhost: ['127.0.0.1'] });

async function run(type: 'smtp' | 'imap', config: Record<string, unknown>, policy = localhost, signal = new AbortController().signal) {
  const check = type === 'smtp' ? smtpCheck(policy) : imapCheck(policy);
  return check.run(check.validate(config), signal);
}

describe('smtp and imap banner checks against real conversations', () => {
  let pki: TestPki;

  beforeAll(() => {
    pki = makeTestPki('estate-banner-check-');
  });

  afterAll(() => {
    rmSync(pki.dir, { recursive: true, force: true });
  });

  it('reads an SMTP greeting, is up on 220 and says QUIT', async () => {
    const server = await smtpServer({ disabledCommands: ['STARTTLS'] });
    const outcome = await run('smtp', {
      host: 'localhost',
      port: server.port,
      conditions: ['[CONNECTED] == true', '[BODY] == pat(220 mail.estate.test ESMTP Estate test)', '[IP] == 127.0.0.1'],
    });
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(new RegExp(`^SMTP greeting from localhost port ${server.port} in \\d+ ms$`));
    await eventually(() => server.commands.includes('QUIT'));
    expect(server.commands).toEqual(['QUIT']);
  });

  it('upgrades SMTP with STARTTLS after EHLO, verifying the certificate and measuring its expiry', async () => {
    const server = await smtpServer({ key: pki.valid.key, cert: pki.valid.cert });
    const outcome = await run('smtp', {
      host: 'localhost',
      port: server.port,
      starttls: true,
      caPem: pki.caPem,
      conditions: ['[CERTIFICATE_EXPIRATION] > 19d', '[CERTIFICATE_EXPIRATION] < 21d'],
    });
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(outcome.status).toBe('up');
    expect(outcome.details.tls).toMatchObject({ protocol: 'TLSv1.3', subject: 'CN=localhost', authorized: true });
    expect(outcome.message).toMatch(/ over TLSv1\.3 in \d+ ms$/);
    await eventually(() => server.commands.includes('QUIT'));
    expect(server.commands).toEqual(['EHLO', 'STARTTLS', 'QUIT']);

    const untrusted = await run('smtp', { host: 'localhost', port: server.port, starttls: true });
    expect(untrusted.status).toBe('down');
    expect(untrusted.message).toBe('TLS error with localhost: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    const unverified = await run('smtp', { host: 'localhost', port: server.port, starttls: true, verify: false });
    expect(unverified.status).toBe('up');
  });

  it('is down when STARTTLS is asked of an SMTP server that does not offer it', async () => {
    const server = await smtpServer({ hideSTARTTLS: true, key: pki.valid.key, cert: pki.valid.cert });
    const outcome = await run('smtp', { host: '127.0.0.1', port: server.port, starttls: true });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(`SMTP with 127.0.0.1 port ${server.port}: the server does not offer STARTTLS`);
  });

  it('speaks implicit TLS (SMTPS) when told to', async () => {
    const server = await smtpServer({ secure: true, key: pki.expired.key, cert: pki.expired.cert });
    const expired = await run('smtp', { host: 'localhost', port: server.port, tls: true, caPem: pki.caPem });
    expect(expired.status).toBe('down');
    expect(expired.message).toBe('TLS error with localhost: certificate has expired (CERT_HAS_EXPIRED)');
    const accepted = await run('smtp', {
      host: 'localhost',
      port: server.port,
      tls: true,
      verify: false,
      conditions: ['[CERTIFICATE_EXPIRATION] < 0s'],
    });
    expect(accepted.status).toBe('up');
    expect(accepted.details.banner).toMatch(/^220 mail\.estate\.test ESMTP/);
  });

  it('reads an IMAP greeting, upgrades with STARTTLS when the capabilities offer it, and logs out', async () => {
    const plain = await imapServer(pki.valid);
    const greeting = await run('imap', { host: 'localhost', port: plain.port, conditions: ['[BODY] == pat(* OK *Estate IMAP ready)'] });
    expect(greeting.status).toBe('up');
    await eventually(() => plain.lines.length > 0);
    expect(plain.lines).toEqual(['e3 LOGOUT']);

    const upgraded = await imapServer(pki.valid);
    const secure = await run('imap', { host: 'localhost', port: upgraded.port, starttls: true, caPem: pki.caPem });
    expect(secure.status).toBe('up');
    expect(secure.details.tls).toMatchObject({ subject: 'CN=localhost', authorized: true });
    await eventually(() => upgraded.lines.length === 3);
    expect(upgraded.lines).toEqual(['e1 CAPABILITY', 'e2 STARTTLS', 'e3 LOGOUT']);

    const implicit = await imapServer(pki.other, true);
    const mismatch = await run('imap', { host: 'localhost', port: implicit.port, tls: true, caPem: pki.caPem });
    expect(mismatch.status).toBe('down');
    expect(mismatch.message).toMatch(/^TLS error with localhost: Hostname\/IP does not match certificate's altnames/);
    const named = await run('imap', { host: 'localhost', port: implicit.port, tls: true, serverName: 'other.example', caPem: pki.caPem });
    expect(named.status).toBe('up');
  });
});

describe('smtp and imap banner checks against servers that misbehave', () => {
  it('is down on a greeting that does not start as expected, with what it said', async () => {
    const server = await serve(net.createServer((socket) => socket.end('554 mail.example no service here\r\n')));
    const outcome = await run('smtp', { host: '127.0.0.1', port: server.port });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(
      `Unexpected SMTP greeting from 127.0.0.1 port ${server.port}: "554 mail.example no service here" (expected it to start with "220")`,
    );
    const expected = await run('smtp', { host: '127.0.0.1', port: server.port, expect: '554' });
    expect(expected.status).toBe('up');
    const imap = await run('imap', { host: '127.0.0.1', port: server.port });
    expect(imap.message).toMatch(/^Unexpected IMAP greeting .* \(expected it to start with "\* OK"\)$/);
  });

  it('reads a multi-line SMTP greeting whole', async () => {
    const server = await serve(net.createServer((socket) => socket.write('220-mail.example first\r\n220-second\r\n220 third\r\n')));
    const outcome = await run('smtp', { host: '127.0.0.1', port: server.port });
    expect(outcome.status).toBe('up');
    expect(outcome.details.banner).toBe('220-mail.example first\n220-second\n220 third');
  });

  it('stops reading an endless greeting at the cap', async () => {
    const server = await serve(
      net.createServer((socket) => {
        const chunk = Buffer.alloc(16 * 1024, '2');
        const pump = () => {
          while (!socket.destroyed && socket.write(chunk)) {}
        };
        socket.on('drain', pump);
        socket.on('error', () => {});
        pump();
      }),
    );
    const outcome = await run('smtp', { host: '127.0.0.1', port: server.port, conditions: [`len([BODY]) == ${MAX_REPLY_BYTES}`] });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(`SMTP with 127.0.0.1 port ${server.port}: the greeting is longer than 4096 bytes`);
    expect(outcome.conditions[0]!.passed).toBe(true);
    expect(outcome.details.bannerTruncated).toBe(true);
  });

  it('stops waiting for a greeting that never comes when its signal aborts', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const timeout = new AbortController();
    setTimeout(() => timeout.abort(new CheckTimeoutError(200)), 200);
    const timedOut = await run('imap', { host: '127.0.0.1', port: silent.port }, localhost, timeout.signal);
    expect(timedOut.status).toBe('down');
    expect(timedOut.message).toBe('Timed out: The check did not finish within 200 ms.');

    const removal = new AbortController();
    setTimeout(() => removal.abort(new CheckRemovedError()), 50);
    const removed = await run('smtp', { host: '127.0.0.1', port: silent.port }, localhost, removal.signal);
    expect(removed.status).toBe('unknown');
  });

  it('is down when the server hangs up before greeting, and never connects where the policy refuses', async () => {
    const hangUp = await serve(net.createServer((socket) => socket.end()));
    const closed = await run('smtp', { host: '127.0.0.1', port: hangUp.port });
    expect(closed.status).toBe('down');
    expect(closed.message).toBe(`SMTP with 127.0.0.1 port ${hangUp.port}: the server closed the connection`);

    const refusing = policyWithNames({ 'mail.test': ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const named = await run('smtp', { host: 'mail.test', port: hangUp.port }, refusing);
    expect(named.message).toMatch(/^The outbound policy refuses mail\.test \(127\.0\.0\.1\): loopback/);
    const implicit = await run('imap', { host: '127.0.0.1', port: hangUp.port, tls: true }, refusing);
    expect(implicit.message).toMatch(/^The outbound policy refuses 127\.0\.0\.1: loopback/);
    expect(hangUp.connections()).toBe(1);
  });
});

describe('smtp and imap banner checks: configuration', () => {
  const field = (check: ReturnType<typeof smtpCheck>, config: unknown) => {
    try {
      check.validate(config);
      return 'accepted';
    } catch (err) {
      if (err instanceof CheckConfigError) return err.field;
      throw err;
    }
  };

  it('refuses what it cannot run, naming the field', () => {
    const smtp = smtpCheck();
    expect(field(smtp, { port: 25 })).toBe('host');
    expect(field(smtp, { host: 'a', port: 'x' })).toBe('port');
    expect(field(smtp, { host: 'a', tls: true, starttls: true })).toBe('starttls');
    expect(field(smtp, { host: 'a', starttls: 'yes' })).toBe('starttls');
    expect(field(smtp, { host: 'a', expect: '' })).toBe('expect');
    expect(field(smtp, { host: 'a', conditions: ['[DNS_RCODE] == NOERROR'] })).toBe('conditions[0]');
  });

  it('fills the ports and greetings of each protocol', () => {
    expect(smtpCheck().validate({ host: 'mx' })).toMatchObject({ port: 25, expect: '220', tls: false, starttls: false, verify: true });
    expect(smtpCheck().validate({ host: 'mx', tls: true }).port).toBe(465);
    expect(imapCheck().validate({ host: 'imap' })).toMatchObject({ port: 143, expect: '* OK', conditionSources: ['[CONNECTED] == true'] });
    expect(imapCheck().validate({ host: 'imap', tls: true }).port).toBe(993);
    expect(imapCheck().target(imapCheck().validate({ host: '[2001:db8::1]' }))).toBe('[2001:db8::1]:143');
  });
});
