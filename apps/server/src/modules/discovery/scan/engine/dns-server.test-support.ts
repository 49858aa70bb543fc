import dgram from 'node:dgram';

/**
 * A DNS server on 127.0.0.1 that answers the PTR records it is given, NXDOMAIN otherwise, and ignores the name
 * `silent` entirely (a server that never answers). It records every name it was asked for.
 */
export function startDnsServer(
  records: Record<string, string>,
  silent?: string,
): Promise<{ server: dgram.Socket; port: number; asked: string[] }> {
  const server = dgram.createSocket('udp4');
  const asked: string[] = [];
  server.on('message', (query, remote) => {
    // Question name: labels from byte 12 to the zero byte, then QTYPE and QCLASS.
    const labels: string[] = [];
    let at = 12;
    while (query[at]! > 0) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
      at += query[at]! + 1;
    }
    const name = labels.join('.');
    asked.push(name);
    if (name === silent) return;
    const question = query.subarray(12, at + 5);
    const target = records[name];
    const header = Buffer.from([query[0]!, query[1]!, 0x81, target ? 0x80 : 0x83, 0, 1, 0, target ? 1 : 0, 0, 0, 0, 0]);
    let answer = Buffer.alloc(0);
    if (target) {
      const rdata = Buffer.concat([
        ...target.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
        Buffer.from([0]),
      ]);
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0);
      fixed.writeUInt16BE(12, 2);
      fixed.writeUInt16BE(1, 4);
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(rdata.length, 10);
      answer = Buffer.concat([fixed, rdata]);
    }
    server.send(Buffer.concat([header, question, answer]), remote.port, remote.address);
  });
  return new Promise((resolve) => server.bind(0, '127.0.0.1', () => resolve({ server, port: server.address().port, asked })));
}

/** The name a PTR record of an IPv4 address has: `4.3.2.1.in-addr.arpa` for 1.2.3.4. */
export function ptrName(ipv4: string): string {
  return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
}
