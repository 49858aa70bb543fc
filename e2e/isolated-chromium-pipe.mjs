// Inside Chromium's network namespace: carries each TCP connection to 127.0.0.1:$ESTATE_NETNS_PORT over the Unix
// socket $ESTATE_NETNS_SOCKET to the test process's proxy (see isolated-chromium.ts). Exits with Chromium.
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const parent = process.ppid;
const server = createServer((inbound) => {
  const outbound = connect(process.env.ESTATE_NETNS_SOCKET);
  inbound.pipe(outbound);
  outbound.pipe(inbound);
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
  inbound.on('close', () => outbound.destroy());
  outbound.on('close', () => inbound.destroy());
});
server.listen(Number(process.env.ESTATE_NETNS_PORT), '127.0.0.1', () => writeFileSync(process.env.ESTATE_NETNS_READY, ''));
// The shell that started this process became Chromium (exec); once Chromium is gone this process is re-parented.
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1_000).unref?.();
setInterval(() => {}, 1 << 30);
