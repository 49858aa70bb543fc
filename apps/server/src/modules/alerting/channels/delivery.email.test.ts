/*
 * Durable delivery of email through a real SMTP server (smtp-server, STARTTLS with the test CA), on both engines:
 * a 451 ("try later") is retried by the job and the message arrives once; the log keeps the Message-ID.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { makeTestPki, type TestPki } from '@estate/checks/checks/tls-pki.fixtures';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { type TestDatabase, testEngines } from '../../../platform/db/test-databases';
import { JobWorker } from '../../../platform/jobs';
import { type ChannelsPart, createChannelsPart } from './channels-part';
import { FIXED_NOW, sampleNotification } from './notification.fixtures';
import { channelNetworkPolicy } from './outbound-http';

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const PASSWORD = 'smtp password for delivery';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki('estate-email-delivery-');
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

for (const engine of testEngines()) {
  describe(`email delivery through jobs on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let part: ChannelsPart;
    let worker: JobWorker;
    let server: SMTPServer;
    let port: number;
    let clock = FIXED_NOW;
    let refuseNext = 1;
    const received: { to: string[]; data: string }[] = [];

    beforeAll(async () => {
      database = await engine.create();
      part = createChannelsPart({
        db: database.db,
        audit: new AuditLog(database),
        secretBox: SecretBox.fromKey(randomBytes(32)),
        policy: channelNetworkPolicy({ classes: ['loopback'] }, async () => [{ address: '127.0.0.1', family: 4 }]),
        now: () => clock,
        delivery: { random: () => 0 },
      });
      worker = new JobWorker(database, { now: () => clock, logger: { warn: () => {}, error: () => {} } });
      part.jobs(worker);
      server = new SMTPServer({
        key: pki.valid.key,
        cert: pki.valid.cert,
        disableReverseLookup: true,
        logger: false,
        authMethods: ['PLAIN', 'LOGIN'],
        onAuth: (auth, _session, callback) =>
          auth.username === 'estate' && auth.password === PASSWORD ? callback(null, { user: 'estate' }) : callback(new Error('no')),
        onRcptTo(_address, _session, callback) {
          if (refuseNext-- > 0) return callback(Object.assign(new Error('greylisted, try later'), { responseCode: 451 }));
          callback();
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
            callback();
          });
        },
      });
      server.on('error', () => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = ((server as unknown as { server: import('node:net').Server }).server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database?.cleanup();
    });

    it('a greylisting 451 is retried; the mail arrives once and the log keeps its Message-ID', async () => {
      const channel = await part.channels.create(
        {
          name: 'Ops mail',
          type: 'email',
          settings: {
            host: 'localhost',
            port,
            from: 'Estate <estate@example.com>',
            to: 'ops@example.com',
            auth: 'password',
            username: 'estate',
            caCertificate: pki.caPem,
          },
          secrets: { password: PASSWORD },
        },
        ctx,
      );
      expect(channel.secretNames).toEqual(['password']);
      await database.db.transaction().execute((trx) => part.queue.enqueueWithin(trx, [channel.id], sampleNotification({ id: 'mail-1' })));
      await worker.drain();
      const [first] = (await part.deliveries.list({ channelId: channel.id })).items;
      expect(first).toMatchObject({ status: 'retrying', attempts: 1 });
      expect(received).toHaveLength(0);
      clock += 60_000;
      await worker.drain();
      const detail = await part.deliveries.get(first!.id);
      expect(detail.status).toBe('delivered');
      expect(detail.providerId).toMatch(/^<mail-1\.[0-9a-f]{8}@estate\.invalid>$/);
      expect(detail.attemptLog.map((a) => a.outcome)).toEqual(['retry', 'delivered']);
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toEqual(['ops@example.com']);
      expect(received[0]!.data).toMatch(/^Subject: \[FIRING:2\] HostDown \(prod\)\r?$/m);
      expect(JSON.stringify(detail)).not.toContain(PASSWORD);
    });
  });
}
