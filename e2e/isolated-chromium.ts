import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, isIP, connect as netConnect, type Server, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium for the browser tests, in a network namespace of its own when this machine allows it.
 *
 * Why: Chromium watches the machine's addresses and links over netlink and, on any change, aborts every request in
 * flight with net::ERR_NETWORK_CHANGED, loopback ones included. The peers tier of the same run adds and removes
 * namespaces and veth pairs all the time, so a page could lose its script or API call and stay blank (the CI flake
 * "CI page unrendered for 30 s"; reproduced by churning veth pairs beside e2e/inventory.test.ts). In a namespace of
 * its own, Chromium sees no such change. It reaches the servers under test through a SOCKS5 proxy: a pipe inside the
 * namespace (`isolated-chromium-pipe.mjs`, 127.0.0.1:1080 there) carries each connection over a Unix socket (those
 * cross namespaces) to a proxy in this process, which connects only to this machine's own addresses.
 *
 * Without root or `unshare` (a developer's machine), Chromium starts as is: such a machine has no peers tier churning.
 */
export async function launchChromium(executablePath: string, args: string[]): Promise<Browser> {
  if (!canIsolate()) return chromium.launch({ executablePath, args });
  const dir = mkdtempSync(path.join(tmpdir(), 'estate-chromium-'));
  const socketPath = path.join(dir, 'socks.sock');
  const proxy = await startLocalSocksProxy(socketPath);
  try {
    const browser = await chromium.launch({
      executablePath: path.join(import.meta.dirname, 'isolated-chromium.sh'),
      args: [...args, `--proxy-server=socks5://127.0.0.1:${IN_NAMESPACE_PORT}`, '--proxy-bypass-list=<-loopback>'],
      env: {
        ...process.env,
        ESTATE_CHROMIUM_REAL: executablePath,
        ESTATE_NETNS_NODE: process.execPath,
        ESTATE_NETNS_PIPE: path.join(import.meta.dirname, 'isolated-chromium-pipe.mjs'),
        ESTATE_NETNS_SOCKET: socketPath,
        ESTATE_NETNS_PORT: String(IN_NAMESPACE_PORT),
        ESTATE_NETNS_READY: path.join(dir, 'ready'),
      },
    });
    browser.on('disconnected', () => {
      proxy.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return browser;
  } catch (err) {
    proxy.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The proxy's port inside Chromium's namespace (nothing else listens there). */
const IN_NAMESPACE_PORT = 1080;

function canIsolate(): boolean {
  if (process.env.ESTATE_E2E_SHARED_NETWORK === 'true') return false;
  return process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && (existsSync('/usr/sbin/ip') || existsSync('/sbin/ip'));
}

/** Whether `host` is one of this machine's own addresses (loopback or an interface's), the only places the proxy goes. */
function isOwnAddress(host: string): boolean {
  if (host === 'localhost' || host.startsWith('127.') || host === '::1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === host));
}

/**
 * A SOCKS5 server (RFC 1928, no authentication, CONNECT only) on a Unix socket, connecting only to this machine's
 * own addresses; anything else is answered "connection not allowed by ruleset".
 */
export function startLocalSocksProxy(socketPath: string): Promise<Server> {
  const server = createServer((client) => {
    client.on('error', () => client.destroy());
    client.once('readable', () => greet(client));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

/** Reads exactly `n` bytes from a paused socket. */
function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const chunk = socket.read(n) as Buffer | null;
      if (chunk) {
        socket.off('close', closed);
        resolve(chunk);
      } else socket.once('readable', attempt);
    };
    const closed = () => reject(new Error('closed'));
    socket.once('close', closed);
    attempt();
  });
}

async function greet(client: Socket): Promise<void> {
  try {
    const [version, methods] = await readBytes(client, 2);
    if (version !== 5) return void client.destroy();
    await readBytes(client, methods ?? 0);
    client.write(Buffer.from([5, 0]));
    const [, command, , type] = await readBytes(client, 4);
    let host: string;
    if (type === 1) host = [...(await readBytes(client, 4))].join('.');
    else if (type === 3) host = (await readBytes(client, (await readBytes(client, 1))[0] ?? 0)).toString('latin1');
    else if (type === 4) {
      const raw = await readBytes(client, 16);
      host = Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(i * 2).toString(16)).join(':');
      if (host === '0:0:0:0:0:0:0:1') host = '::1';
    } else return void client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
    const port = (await readBytes(client, 2)).readUInt16BE(0);
    if (command !== 1 || !isOwnAddress(host)) return void client.end(Buffer.from([5, command !== 1 ? 7 : 2, 0, 1, 0, 0, 0, 0, 0, 0]));
    const target = netConnect({ host: host === 'localhost' || isIP(host) === 0 ? '127.0.0.1' : host, port });
    let connected = false;
    target.once('connect', () => {
      connected = true;
      client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
      target.pipe(client);
      client.pipe(target);
    });
    target.on('error', () => {
      if (connected) client.destroy();
      else client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
    });
    client.on('close', () => target.destroy());
  } catch {
    client.destroy();
  }
}
