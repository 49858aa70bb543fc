/*
 * The email channel against a real SMTP server (smtp-server): STARTTLS with a password, implicit TLS with an OAuth2
 * access token (XOAUTH2), the server's refusals as verdicts, and the outbound policy before any connection.
 */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { makeTestPki, type TestPki } from '@estate/checks/checks/tls-pki.fixtures';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelSettingsError } from './channel-settings';
import { type SendContext, sendNotification, sendTest } from './channel-type';
import { emailChannel } from './email.channel';
import { FIXED_NOW, sampleNotification } from './notification.fixtures';
import { channelNetworkPolicy } from './outbound-http';

interface Received {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
  user?: string;
}

let pki: TestPki;
const servers: SMTPServer[] = [];
const PASSWORD = 'correct horse battery staple';
const TOKEN = 'ya29.OAUTH-ACCESS-TOKEN';

beforeAll(() => {
  pki = makeTestPki('estate-email-channel-');
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** Starts a real SMTP server on 127.0.0.1 with the test certificate; `received` collects accepted messages. */
async function smtp(options: SMTPServerOptions): Promise<{ port: number; received: Received[]; connections: () => number }> {
  const received: Received[] = [];
  let connections = 0;
  const server = new SMTPServer({
    key: pki.valid.key,
    cert: pki.valid.cert,
    disableReverseLookup: true,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
    ...options,
  });
  server.on('error', () => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: import('node:net').Server }).server.address() as AddressInfo).port;
  return { port, received, connections: () => connections };
}

/** `localhost` resolves to 127.0.0.1 only (the server listens there), and loopback is allowed. */
const context: SendContext = {
  policy: channelNetworkPolicy({ classes: ['loopback'] }, async () => [{ address: '127.0.0.1', family: 4 }]),
  now: () => FIXED_NOW,
};

const settings = (port: number, extra: Record<string, unknown>) =>
  emailChannel.validate({
    host: 'localhost',
    port,
    from: 'Estate <estate@example.com>',
    to: 'ops@example.com, oncall@example.com',
    caCertificate: pki.caPem,
    ...extra,
  });

const passwordAuth: NonNullable<SMTPServerOptions['onAuth']> = (auth, _session, callback) =>
  auth.username === 'estate' && auth.password === PASSWORD
    ? callback(null, { user: 'estate' })
    : callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));

describe('email channel', () => {
  it('sends over STARTTLS with a password: subject, recipients, Message-ID, References and both bodies', async () => {
    const server = await smtp({ onAuth: passwordAuth });
    const verdict = await sendNotification(
      emailChannel,
      settings(server.port, { security: 'starttls', auth: 'password', username: 'estate', password: PASSWORD }),
      sampleNotification(),
      context,
    );
    expect(verdict.outcome === 'delivered' && verdict.providerId).toMatch(/^<01JEXAMPLENOTIFICATION0001\.[0-9a-f]{8}@estate\.invalid>$/);
    const [mail] = server.received;
    expect(mail).toMatchObject({ from: 'estate@example.com', to: ['ops@example.com', 'oncall@example.com'], secure: true, user: 'estate' });
    expect(mail!.data).toMatch(/^Subject: \[FIRING:2\] HostDown \(prod\)\r?$/m);
    expect(mail!.data).toMatch(/^References: <group-[0-9a-f]{32}@estate\.invalid>\r?$/m);
    expect(mail!.data).toMatch(/^Auto-Submitted: auto-generated\r?$/m);
    expect(mail!.data).toContain('Content-Type: text/plain');
    expect(mail!.data).toContain('Content-Type: text/html');
    expect(mail!.data).toContain('Impacted: Webshop, Payments API');
  });

  it('sends over implicit TLS with an OAuth2 access token (XOAUTH2)', async () => {
    const methods: string[] = [];
    const server = await smtp({
      secure: true,
      onAuth(auth, _session, callback) {
        methods.push(auth.method);
        if (auth.method === 'XOAUTH2' && auth.username === 'estate@example.com' && auth.accessToken === TOKEN)
          return callback(null, { user: auth.username });
        return callback(null, { data: { status: '401', schemes: 'bearer' } } as never);
      },
    });
    const verdict = await sendNotification(
      emailChannel,
      settings(server.port, { security: 'tls', auth: 'oauth2', username: 'estate@example.com', accessToken: TOKEN }),
      sampleNotification(),
      context,
    );
    expect(verdict.outcome).toBe('delivered');
    expect(methods).toEqual(['XOAUTH2']);
    expect(server.received[0]).toMatchObject({ secure: true, user: 'estate@example.com' });
  });

  it('a wrong password is failed for good, and the reason does not carry it', async () => {
    const server = await smtp({ onAuth: passwordAuth });
    const verdict = await sendNotification(
      emailChannel,
      settings(server.port, { auth: 'password', username: 'estate', password: 'wrong-password-xyz' }),
      sampleNotification(),
      context,
    );
    expect(verdict.outcome).toBe('failed');
    expect(JSON.stringify(verdict)).not.toContain('wrong-password-xyz');
    expect(server.received).toHaveLength(0);
  });

  it('a 4xx reply is retried, a 5xx reply is failed', async () => {
    let code = 451;
    const server = await smtp({
      authOptional: true,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('try later or never'), { responseCode: code }));
      },
    });
    expect((await sendNotification(emailChannel, settings(server.port, {}), sampleNotification(), context)).outcome).toBe('retry');
    code = 550;
    expect((await sendNotification(emailChannel, settings(server.port, {}), sampleNotification(), context)).outcome).toBe('failed');
  });

  it('STARTTLS is required: a server that does not offer it gets no message', async () => {
    const server = await smtp({ authOptional: true, disabledCommands: ['STARTTLS'] });
    const verdict = await sendNotification(emailChannel, settings(server.port, {}), sampleNotification(), context);
    expect(verdict.outcome).toBe('failed');
    expect(server.received).toHaveLength(0);
  });

  it('an untrusted certificate is failed for good', async () => {
    const server = await smtp({ authOptional: true });
    const untrusted = { ...settings(server.port, {}), caCertificate: undefined };
    const verdict = await sendNotification(emailChannel, untrusted, sampleNotification(), context);
    expect(verdict.outcome).toBe('failed');
    expect(server.received).toHaveLength(0);
  });

  it('the outbound policy is applied before connecting', async () => {
    const server = await smtp({ authOptional: true });
    const verdict = await sendNotification(emailChannel, settings(server.port, {}), sampleNotification(), {
      ...context,
      policy: channelNetworkPolicy({}, context.policy.resolve),
    });
    expect(verdict).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('loopback') });
    expect(server.connections()).toBe(0);
  });

  it('sends a test message, and places the acknowledge and resolve links in both bodies', async () => {
    const server = await smtp({ authOptional: true });
    const verdict = await sendTest(emailChannel, settings(server.port, {}), {
      ...context,
      receiver: 'ops-team',
      externalUrl: 'https://estate.example.com',
    });
    expect(verdict.outcome).toBe('delivered');
    expect(server.received[0]!.data).toContain('EstateTestNotification');
    await sendNotification(emailChannel, settings(server.port, {}), sampleNotification(), context);
    const mail = server.received[1]!.data.replace(/=\r?\n/g, '');
    expect(mail).toContain('Acknowledge: https://estate.example.com/a/ack/SIGNED-ACK-TOKEN');
    expect(mail).toContain('<a href=3D"https://estate.example.com/a/resolve/SIGNED-RESOLVE-TOKEN">Resolve</a>');
  });

  it('validates settings, naming each bad field', () => {
    let error: unknown;
    try {
      emailChannel.validate({
        host: 'smtp.example.com',
        from: 'not an address',
        to: ['ok@example.com', 'nope'],
        security: 'none',
        auth: 'password',
        username: 'u',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChannelSettingsError);
    expect((error as ChannelSettingsError).issues.map((i) => i.field).sort()).toEqual(['from', 'password', 'security', 'to']);
  });
});
