import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSocksProxy } from './isolated-chromium';

/** Opens a SOCKS5 CONNECT to an IPv4 address through the proxy's socket; answers the reply code and the socket. */
async function socksConnect(socketPath: string, address: string, port: number): Promise<{ code: number; socket: Socket }> {
  const socket = netConnect(socketPath);
  const received: Buffer[] = [];
  const bytes = (n: number) =>
    new Promise<Buffer>((resolve, reject) => {
      const check = () => {
        const all = Buffer.concat(received);
        if (all.length >= n) {
          socket.off('data', onData);
          received.length = 0;
          if (all.length > n) received.push(all.subarray(n));
          resolve(all.subarray(0, n));
        }
      };
      const onData = (d: Buffer) => {
        received.push(d);
        check();
      };
      socket.on('data', onData);
      socket.once('error', reject);
      check();
    });
  socket.write(Buffer.from([5, 1, 0]));
  expect([...(await bytes(2))]).toEqual([5, 0]);
  const port16 = Buffer.alloc(2);
  port16.writeUInt16BE(port);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0, 1, ...address.split('.').map(Number)]), port16]));
  const reply = await bytes(10);
  return { code: reply[1] ?? -1, socket };
}

describe('the browser tests’ SOCKS proxy (Chromium in its own network namespace reaches the servers through it)', () => {
  let dir: string;
  let proxy: Server;
  let echo: Server;
  let echoPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'estate-socks-test-'));
    proxy = await startLocalSocksProxy(path.join(dir, 'socks.sock'));
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });

  afterAll(() => {
    proxy?.close();
    echo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries a connection to a server on loopback both ways', async () => {
    const { code, socket } = await socksConnect(path.join(dir, 'socks.sock'), '127.0.0.1', echoPort);
    expect(code).toBe(0);
    const answer = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
    socket.write('ping');
    expect(await answer).toBe('ping');
    socket.destroy();
  });

  it('refuses an address that is not this machine’s (documentation range), connecting nowhere', async () => {
    const { code, socket } = await socksConnect(path.join(dir, 'socks.sock'), '192.0.2.1', 80);
    expect(code).toBe(2);
    socket.destroy();
  });

  it('answers "connection refused" for a loopback port nobody listens on', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { code, socket } = await socksConnect(path.join(dir, 'socks.sock'), '127.0.0.1', port);
    expect(code).toBe(5);
    socket.destroy();
  });
});
