import { describe, expect, it } from 'vitest';
import {
  implementsPrinterMib,
  OID,
  parseAddresses,
  parseInterfaceAddresses,
  parseInterfaces,
  parseNeighbours,
  parseSystem,
  type SnmpVarbind,
  snmpText,
} from './snmp-tables';

// Varbinds shaped as net-snmp hands them over: OCTET STRING → Buffer, INTEGER/Gauge → number, OID/IpAddress → string.
const OCTETS = 4;
const INT = 2;
const vb = (oid: string, value: unknown, type = OCTETS): SnmpVarbind => ({ oid, type, value });
const str = (text: string) => Buffer.from(text, 'utf8');
const bytes = (...values: number[]) => Buffer.from(values);

describe('SNMP table parsing', () => {
  it('reads LLDP neighbours of a switch: MAC chassis ids, interface-name port ids, local port names and management addresses', () => {
    // lldpRemTable index: timeMark . localPortNum . remIndex
    const rem = OID.lldpRemEntry;
    const remTable = [
      vb(`${rem}.4.0.3.1`, 4, INT),
      vb(`${rem}.4.0.7.2`, 7, INT),
      vb(`${rem}.5.0.3.1`, bytes(0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e)),
      vb(`${rem}.5.0.7.2`, str('core-chassis-7')),
      vb(`${rem}.6.0.3.1`, 5, INT),
      vb(`${rem}.6.0.7.2`, 3, INT),
      vb(`${rem}.7.0.3.1`, str('eth0')),
      vb(`${rem}.7.0.7.2`, bytes(0xaa, 0xbb, 0xcc, 0x00, 0x11, 0x22)),
      vb(`${rem}.8.0.3.1`, str('uplink NIC')),
      vb(`${rem}.9.0.3.1`, str('db-01.example.org')),
      vb(`${rem}.9.0.7.2`, str('')),
    ];
    // lldpLocPortTable index: localPortNum; column 3 id, 4 description (port 7 has neither).
    const loc = OID.lldpLocPortEntry;
    const locTable = [vb(`${loc}.2.3`, 5, INT), vb(`${loc}.3.3`, str('Gi1/0/3')), vb(`${loc}.4.3`, str('GigabitEthernet1/0/3'))];
    // lldpRemManAddrTable index: timeMark . localPortNum . remIndex . subtype . length . address bytes
    const man = OID.lldpRemManAddrEntry;
    const manTable = [
      vb(`${man}.3.0.3.1.1.4.10.20.30.40`, 2, INT),
      vb(`${man}.3.0.3.1.2.16.253.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9`, 2, INT),
      vb(`${man}.3.0.7.2.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1`, 2, INT),
    ];
    const interfaces = [{ index: 7, name: 'xe-0/0/7' }];
    expect(parseNeighbours(locTable, remTable, manTable, interfaces)).toEqual([
      {
        localPort: 'GigabitEthernet1/0/3',
        chassisId: '00:1b:21:3c:4d:5e',
        portId: 'eth0',
        sysName: 'db-01.example.org',
        managementAddress: '10.20.30.40',
      },
      { localPort: 'xe-0/0/7', chassisId: 'core-chassis-7', portId: 'aa:bb:cc:00:11:22', managementAddress: '2001:db8::1' },
    ]);
  });

  it('reads no neighbours from empty LLDP tables', () => {
    expect(parseNeighbours([], [], [])).toEqual([]);
  });

  it('joins ifTable and ifXTable: ifName over ifDescr, ifHighSpeed over ifSpeed, MACs, oper status', () => {
    const ifE = OID.ifEntry;
    const ifX = OID.ifXEntry;
    const ifTable = [
      vb(`${ifE}.1.1`, 1, INT),
      vb(`${ifE}.1.2`, 2, INT),
      vb(`${ifE}.2.1`, str('lo')),
      vb(`${ifE}.2.2`, str('Intel Corporation Ethernet Controller X710\u0000')),
      vb(`${ifE}.5.1`, 10_000_000, 66),
      vb(`${ifE}.5.2`, 4_294_967_295, 66),
      vb(`${ifE}.6.1`, Buffer.alloc(0)),
      vb(`${ifE}.6.2`, bytes(0x3c, 0xfd, 0xfe, 0x01, 0x02, 0x03)),
      vb(`${ifE}.8.1`, 1, INT),
      vb(`${ifE}.8.2`, 2, INT),
    ];
    const ifXTable = [vb(`${ifX}.1.2`, str('enp1s0f0')), vb(`${ifX}.15.2`, 25_000, 66)];
    expect(parseInterfaces(ifTable, ifXTable)).toEqual([
      { index: 1, name: 'lo', description: 'lo', speedMbps: 10, operUp: true },
      {
        index: 2,
        name: 'enp1s0f0',
        description: 'Intel Corporation Ethernet Controller X710',
        mac: '3c:fd:fe:01:02:03',
        speedMbps: 25_000,
        operUp: false,
      },
    ]);
  });

  it('reads each interface’s kind from ifType, its admin status, and its addresses from both IP tables', () => {
    const ifE = OID.ifEntry;
    const ifTable = [
      vb(`${ifE}.2.1`, str('lo')),
      vb(`${ifE}.3.1`, 24, INT),
      vb(`${ifE}.2.2`, str('Gi0/1')),
      vb(`${ifE}.3.2`, 6, INT),
      vb(`${ifE}.7.2`, 2, INT),
      vb(`${ifE}.8.2`, 2, INT),
      vb(`${ifE}.2.3`, str('Vlan10')),
      vb(`${ifE}.3.3`, 136, INT),
      vb(`${ifE}.7.3`, 1, INT),
      vb(`${ifE}.2.4`, str('odd')),
      vb(`${ifE}.3.4`, 1, INT),
    ];
    expect(parseInterfaces(ifTable, []).map(({ name, kind, adminUp, operUp }) => ({ name, kind, adminUp, operUp }))).toEqual([
      { name: 'lo', kind: 'loopback', adminUp: undefined, operUp: undefined },
      { name: 'Gi0/1', kind: 'physical', adminUp: false, operUp: false },
      { name: 'Vlan10', kind: 'vlan', adminUp: true, operUp: undefined },
      { name: 'odd', kind: 'other', adminUp: undefined, operUp: undefined },
    ]);

    // ipAddrTable: column 2 the ifIndex, column 3 the mask; ipAddressTable: column 3 the ifIndex.
    const old = OID.ipAddrEntry;
    const ipAddrTable = [
      vb(`${old}.1.10.1.2.3`, '10.1.2.3', 64),
      vb(`${old}.2.10.1.2.3`, 3, INT),
      vb(`${old}.3.10.1.2.3`, '255.255.255.0', 64),
      vb(`${old}.1.127.0.0.1`, '127.0.0.1', 64),
      vb(`${old}.2.127.0.0.1`, 1, INT),
    ];
    const now = OID.ipAddressEntry;
    const ipAddressTable = [
      vb(`${now}.3.1.4.10.1.2.3`, 3, INT),
      vb(`${now}.3.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.66`, 3, INT),
      vb(`${now}.3.1.4.192.0.2.9`, 2, INT),
    ];
    expect(Object.fromEntries(parseInterfaceAddresses(ipAddrTable, ipAddressTable))).toEqual({
      2: ['192.0.2.9'],
      3: ['10.1.2.3/24', '2001:db8::42'],
    });
  });

  it('reads unicast addresses from both IP tables, without loopback, link-local or broadcast entries', () => {
    const old = OID.ipAddrEntry;
    const ipAddrTable = [vb(`${old}.1.127.0.0.1`, '127.0.0.1', 64), vb(`${old}.1.10.1.2.3`, '10.1.2.3', 64)];
    const now = OID.ipAddressEntry;
    const ipAddressTable = [
      vb(`${now}.4.1.4.10.1.2.3`, 1, INT),
      vb(`${now}.4.1.4.10.1.2.255`, 3, INT),
      vb(`${now}.4.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.66`, 1, INT),
      vb(`${now}.4.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1`, 1, INT),
      vb(`${now}.4.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1`, 1, INT),
      vb(`${now}.4.4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.2`, 1, INT),
    ];
    expect(parseAddresses(ipAddrTable, ipAddressTable)).toEqual(['10.1.2.3', '2001:db8::42']);
  });

  it('writes MACs and addresses as platform/net normalises them, leaving out those that name no one device', () => {
    const ifE = OID.ifEntry;
    const ifTable = [
      vb(`${ifE}.2.1`, str('eth0')),
      vb(`${ifE}.6.1`, bytes(0x3c, 0xfd, 0xfe, 0x0a, 0x0b, 0x0c)),
      vb(`${ifE}.2.2`, str('bcast')),
      vb(`${ifE}.6.2`, bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)),
      vb(`${ifE}.2.3`, str('mcast')),
      vb(`${ifE}.6.3`, bytes(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01)),
      vb(`${ifE}.2.4`, str('placeholder')),
      vb(`${ifE}.6.4`, bytes(0x02, 0x00, 0x00, 0x00, 0x00, 0x00)),
    ];
    expect(parseInterfaces(ifTable, []).map((i) => i.mac)).toEqual(['3c:fd:fe:0a:0b:0c', undefined, undefined, undefined]);

    const old = OID.ipAddrEntry;
    const now = OID.ipAddressEntry;
    const ipAddressTable = [
      // ::ffff:10.1.2.4, an IPv4-mapped address, is the IPv4 address it carries.
      vb(`${now}.4.2.16.0.0.0.0.0.0.0.0.0.0.255.255.10.1.2.4`, 1, INT),
      vb(`${now}.4.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.66`, 1, INT),
      vb(`${now}.4.1.4.224.0.0.251`, 1, INT),
      vb(`${now}.4.1.4.169.254.3.4`, 1, INT),
    ];
    expect(parseAddresses([vb(`${old}.1.10.1.2.4`, '10.1.2.4', 64), vb(`${old}.1.0.0.0.0`, '0.0.0.0', 64)], ipAddressTable)).toEqual([
      '10.1.2.4',
      '2001:db8::42',
    ]);
  });

  it('reads the system group, leaving out what the agent does not have', () => {
    expect(
      parseSystem([
        vb(OID.sysDescr, str('Cisco IOS Software, C2960 Software\r\nTechnical Support: http://www.cisco.com')),
        vb(OID.sysObjectID, '1.3.6.1.4.1.9.1.1208', 6),
        vb(OID.sysUpTime, 123_456_78, 67),
        vb(OID.sysName, str('sw-access-01')),
        vb(OID.sysLocation, str('')),
        vb(OID.sysServices, 6, INT),
      ]),
    ).toEqual({
      sysDescr: 'Cisco IOS Software, C2960 Software\r\nTechnical Support: http://www.cisco.com',
      sysObjectId: '1.3.6.1.4.1.9.1.1208',
      sysUpTimeSeconds: 123_456,
      sysName: 'sw-access-01',
      sysServices: 6,
    });
    expect(parseSystem([vb(OID.sysServices, 300, INT)])).toEqual({});
  });

  it('tells a printer by the Printer-MIB answering a GETNEXT of its root', () => {
    expect(implementsPrinterMib([vb('1.3.6.1.2.1.43.5.1.1.1.1', 3, INT)])).toBe(true);
    // Past the Printer-MIB: the next object the agent has is elsewhere.
    expect(implementsPrinterMib([vb('1.3.6.1.2.1.55.1.1.0', 1, INT)])).toBe(false);
    expect(implementsPrinterMib([])).toBe(false);
  });

  it('shows binary OCTET STRINGs as hex', () => {
    expect(snmpText(bytes(0x00, 0x01, 0xff))).toBe('00:01:ff');
    expect(snmpText(str('plain'))).toBe('plain');
    expect(snmpText(Buffer.alloc(0))).toBeUndefined();
  });
});
