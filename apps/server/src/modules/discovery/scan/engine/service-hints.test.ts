import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { probeBanner } from './banner-probe';
import { untilPasses, withFakeTimers } from './fake-clock.test-support';
import { parseHttpResponse, probeHttp } from './http-probe';
import { probeServiceHints } from './service-hints';
import { probeTcpPort } from './tcp-probe';
import { parseSubjectAltNames, probeTls } from './tls-probe';

const servers: Array<net.Server> = [];

function listen(server: net.Server): Promise<number> {
  servers.push(server);
  // Probes close connections early; a reset on the server side is expected, not a test failure.
  server.on('connection', (socket) => socket.on('error', () => undefined));
  server.on('secureConnection', (socket) => socket.on('error', () => undefined));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

const page = (body: string, server = 'test-httpd/2.4') =>
  `HTTP/1.1 301 Moved Permanently\r\nServer: ${server}\r\nLocation: https://elsewhere.example/\r\nConnection: close\r\n\r\n${body}`;

describe('service hints on 127.0.0.1', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'estate-hints-'));
  const ports: Record<string, number> = {};
  const requests: string[] = [];
  /** The port that stays silent: how many connections it had and how many requests came over them. */
  const silent = { connections: 0, requests: 0 };
  /** A port that greets with nothing and answers HTTP only when the test says so. */
  const held = { connections: 0, requests: [] as Array<{ text: string; reply(text: string): void }> };

  beforeAll(async () => {
    ports.ssh = await listen(net.createServer((s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\nrest ignored\r\n')));
    ports.smtp = await listen(net.createServer((s) => s.end('220 mail.example ESMTP\r\n')));
    ports.http = await listen(
      net.createServer((s) =>
        s.once('data', (d) => {
          requests.push(d.toString());
          s.end(page('<html><head><TITLE lang="en">\n  Caf&eacute; &amp; R&#233;sum&#xe9; — Admin\n</TITLE></head></html>'));
        }),
      ),
    );
    // A port that streams without end: the probe must stop at its byte cap, not wait for the timeout.
    ports.flood = await listen(
      net.createServer((s) =>
        s.once('data', () => {
          s.write('HTTP/1.0 200 OK\r\nServer: flood\r\n\r\n');
          const chunk = 'x'.repeat(64 * 1024);
          const pump = () => {
            while (!s.destroyed && s.write(chunk)) {}
          };
          s.on('drain', pump);
          s.on('error', () => undefined);
          pump();
        }),
      ),
    );
    ports.silent = await listen(
      net.createServer((s) => {
        silent.connections++;
        s.on('data', () => silent.requests++);
      }),
    );
    ports.held = await listen(
      net.createServer((s) => {
        held.connections++;
        s.once('data', (d) => held.requests.push({ text: d.toString(), reply: (text) => s.end(text) }));
      }),
    );
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/O=Estate Test/CN=portal.estate.test',
        '-addext',
        'subjectAltName=DNS:portal.estate.test,DNS:*.estate.test,IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tlsServer = tls.createServer(
      { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
      (s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n<title>Secure portal</title>')),
    );
    tlsServer.on('tlsClientError', () => undefined);
    ports.tls = await listen(tlsServer);
  });

  afterAll(() => {
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = { timeoutMs: 1_500 };

  it('reads the first line of a greeting as the SSH hint, and not other greetings', async () => {
    expect(await probeBanner('127.0.0.1', ports.ssh!, options)).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3');
    expect(await probeServiceHints('127.0.0.1', ports.ssh!, options)).toEqual({ ssh: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' });
    expect(await probeServiceHints('127.0.0.1', ports.smtp!, options)).toEqual({});
  });

  it('sends one plain GET / and reads the title and server header of the reply without following its redirect', async () => {
    expect(await probeHttp('127.0.0.1', ports.http!, options)).toEqual({
      httpTitle: 'Café & Résumé — Admin',
      httpServer: 'test-httpd/2.4',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^GET \/ HTTP\/1\.0\r\nHost: 127\.0\.0\.1:\d+\r\n/);
  });

  it('waits the whole timeout for a greeting, then falls back to HTTP with a full timeout of its own', () =>
    withFakeTimers(async () => {
      const probe = probeServiceHints('127.0.0.1', ports.held!, { timeoutMs: 1_500 });
      await untilPasses(() => expect(held.connections).toBe(1));
      await vi.advanceTimersByTimeAsync(1_499);
      expect(held.connections).toBe(1);
      expect(held.requests).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await untilPasses(() => expect(held.requests).toHaveLength(1));
      expect(held.connections).toBe(2);
      expect(held.requests[0]!.text).toMatch(/^GET \/ HTTP\/1\.0\r\n/);
      // Most of a timeout passes before the page comes: the HTTP exchange still reads it, as its timer started anew.
      await vi.advanceTimersByTimeAsync(1_499);
      held.requests[0]!.reply(page('<title>Held page</title>'));
      expect(await probe).toEqual({ httpServer: 'test-httpd/2.4', httpTitle: 'Held page' });
    }));

  it('stops reading at the byte cap of a port that never stops talking', () =>
    withFakeTimers(async () => {
      expect(await probeHttp('127.0.0.1', ports.flood!, { timeoutMs: 10_000 })).toEqual({ httpServer: 'flood' });
    }));

  it('gives nothing for a silent port once the timeout passes', () =>
    withFakeTimers(async () => {
      let settled = false;
      const probe = probeHttp('127.0.0.1', ports.silent!, { timeoutMs: 300 }).finally(() => {
        settled = true;
      });
      await untilPasses(() => expect(silent.requests).toBe(1));
      await vi.advanceTimersByTimeAsync(299);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await probe).toBeUndefined();
    }));

  it('reads the certificate subject and SANs of an untrusted TLS port, and its page title', async () => {
    expect(await probeTls('127.0.0.1', ports.tls!, options)).toEqual({
      tlsSubject: 'portal.estate.test',
      tlsSans: ['portal.estate.test', '*.estate.test', '127.0.0.1'],
      httpTitle: 'Secure portal',
      httpServer: 'nginx',
    });
    expect(await probeTls('127.0.0.1', ports.http!, { timeoutMs: 500 })).toBeUndefined();
  });

  it('tells open and closed ports apart', async () => {
    const closed = await listen(net.createServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await probeTcpPort('127.0.0.1', ports.silent!, options)).toBe('open');
    expect(await probeTcpPort('127.0.0.1', closed, options)).toBe('closed');
    // An address with no host behind it is `unreachable`: see engine.peers.test.ts (this machine's own network may
    // answer every outbound connect, so only a namespace shows it reliably).
  });

  it('parses only HTTP responses', () => {
    expect(parseHttpResponse(Buffer.from('SSH-2.0-x\r\n'))).toBeUndefined();
    expect(parseHttpResponse(Buffer.from('HTTP/1.1 200 OK\r\n\r\n<title></title>'))).toEqual({});
    expect(parseSubjectAltNames('DNS:a.example, IP Address:10.0.0.1, IP Address:FD00:0:0:0:0:0:0:1')).toEqual([
      'a.example',
      '10.0.0.1',
      'FD00:0:0:0:0:0:0:1',
    ]);
  });
});
