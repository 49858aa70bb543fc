import { describe, expect, it } from 'vitest';
import { classifyDevice, type DeviceFacts, type DeviceKind, descriptionWords, layerRole } from './device-classifier';

const LINUX = '1.3.6.1.4.1.8072.3.2.10';
const UNAME = (name: string) => `Linux ${name} 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64`;

/** What real agents answer (sysObjectID, sysDescr, sysServices, Printer-MIB), and what each is. */
const DEVICES: Array<[string, DeviceFacts, DeviceKind]> = [
  ['a Debian host running net-snmp', { sysObjectId: LINUX, sysDescr: UNAME('db-01'), sysName: 'db-01', sysServices: 72 }, 'server'],
  [
    'a Linux host named like a switch',
    { sysObjectId: LINUX, sysDescr: UNAME('switch-mgmt'), sysName: 'switch-mgmt', sysServices: 72 },
    'server',
  ],
  ['a Linux host without sysServices', { sysObjectId: `.${LINUX}`, sysDescr: UNAME('web-02') }, 'server'],
  [
    'a FreeBSD host running net-snmp',
    { sysObjectId: '1.3.6.1.4.1.8072.3.2.8', sysDescr: 'FreeBSD nas 14.0-RELEASE FreeBSD 14.0-RELEASE amd64' },
    'server',
  ],
  [
    'a Linux box whose admin says it is a switch',
    { sysObjectId: LINUX, sysDescr: 'Estate lab switch 51c7, firmware 4.2.1', sysName: 'lab-sw' },
    'switch',
  ],
  [
    'a Linux box configured to claim bridging only',
    { sysObjectId: LINUX, sysDescr: UNAME('tor-1'), sysName: 'tor-1', sysServices: 2 },
    'switch',
  ],
  [
    'a Synology NAS (net-snmp OID)',
    { sysObjectId: LINUX, sysDescr: 'Linux DiskStation 4.4.302+ #69057 SMP synology x86_64', sysName: 'nas1' },
    'storage',
  ],
  ['a Synology NAS (its own OID)', { sysObjectId: '1.3.6.1.4.1.6574.1', sysDescr: 'Linux nas2 4.4.302+' }, 'storage'],
  [
    'a pfSense firewall',
    { sysObjectId: '1.3.6.1.4.1.12325.1.1.2.1.1', sysDescr: 'pfSense fw.example.org 2.7.2-RELEASE FreeBSD 14.0-CURRENT amd64' },
    'firewall',
  ],
  ['a FreeBSD host running bsnmpd', { sysObjectId: '1.3.6.1.4.1.12325.1.1.2.1.1', sysDescr: 'FreeBSD build01 14.0-RELEASE' }, 'server'],
  [
    'a Cisco Catalyst',
    {
      sysObjectId: '1.3.6.1.4.1.9.1.1208',
      sysDescr: 'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11',
      sysServices: 2,
    },
    'switch',
  ],
  [
    'a Cisco ISR',
    {
      sysObjectId: '1.3.6.1.4.1.9.1.2068',
      sysDescr: 'Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.4',
      sysServices: 78,
    },
    'router',
  ],
  ['a Cisco ASA', { sysObjectId: '1.3.6.1.4.1.9.1.2313', sysDescr: 'Cisco Adaptive Security Appliance Version 9.12(4)' }, 'firewall'],
  ['a Cisco Nexus', { sysObjectId: '1.3.6.1.4.1.9.12.3.1.3.1812', sysDescr: 'Cisco NX-OS(tm) nxos.9.3.8.bin, Software (nxos)' }, 'switch'],
  [
    'a Cisco router claiming routing only',
    { sysObjectId: '1.3.6.1.4.1.9.1.1', sysDescr: 'Cisco Internetwork Operating System Software', sysServices: 4 },
    'router',
  ],
  [
    'a Juniper MX',
    { sysObjectId: '1.3.6.1.4.1.2636.1.1.1.2.21', sysDescr: 'Juniper Networks, Inc. mx480 internet router, kernel JUNOS 21.2R3' },
    'router',
  ],
  [
    'a Juniper EX',
    { sysObjectId: '1.3.6.1.4.1.2636.1.1.1.2.131', sysDescr: 'Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 20.4R3' },
    'switch',
  ],
  [
    'a Juniper SRX',
    { sysObjectId: '1.3.6.1.4.1.2636.1.1.1.2.86', sysDescr: 'Juniper Networks, Inc. srx300 internet router, kernel JUNOS 21.4' },
    'firewall',
  ],
  [
    'an Arista',
    {
      sysObjectId: '1.3.6.1.4.1.30065.1.3011.7050.3741.48',
      sysDescr: 'Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7050SX3-48YC8',
    },
    'switch',
  ],
  [
    'an HP ProCurve',
    { sysObjectId: '1.3.6.1.4.1.11.2.3.7.11.160', sysDescr: 'Aruba JL261A 2930F-24G-PoE+-4SFP Switch, revision WC.16.10' },
    'switch',
  ],
  ['an Aruba CX', { sysObjectId: '1.3.6.1.4.1.47196.4.1.1.1.100', sysDescr: 'Aruba JL658A 6300M' }, 'switch'],
  ['an Aruba controller', { sysObjectId: '1.3.6.1.4.1.14823.1.1.36', sysDescr: 'ArubaOS (MODEL: Aruba7010)' }, 'access_point'],
  ['a MikroTik router', { sysObjectId: '1.3.6.1.4.1.14988.1', sysDescr: 'RouterOS RB4011iGS+' }, 'router'],
  ['a MikroTik CRS', { sysObjectId: '1.3.6.1.4.1.14988.1', sysDescr: 'RouterOS CRS326-24G-2S+' }, 'switch'],
  ['a UniFi access point', { sysObjectId: '1.3.6.1.4.1.41112.1.6', sysDescr: 'UAP-AC-Pro-Gen2 6.5.28' }, 'access_point'],
  ['a Ubiquiti EdgeRouter', { sysObjectId: '1.3.6.1.4.1.41112.1.5', sysDescr: 'EdgeRouter X 5-Port' }, 'router'],
  ['a FortiGate', { sysObjectId: '1.3.6.1.4.1.12356.101.1.1004', sysDescr: 'FG100F' }, 'firewall'],
  ['a Palo Alto', { sysObjectId: '1.3.6.1.4.1.25461.2.3.38', sysDescr: 'Palo Alto Networks PA-440 series firewall' }, 'firewall'],
  ['a Check Point', { sysObjectId: '1.3.6.1.4.1.2620.1.6.123.1.49', sysDescr: 'Linux gw-01 3.10.0-957' }, 'firewall'],
  ['an APC UPS', { sysObjectId: '1.3.6.1.4.1.318.1.3.27', sysDescr: 'APC Web/SNMP Management Card (MB:v4.2.1 PF:v7.0.6)' }, 'ups'],
  ['an APC rack PDU', { sysObjectId: '1.3.6.1.4.1.318.1.1.26', sysDescr: 'APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 AOS)' }, 'pdu'],
  ['an Eaton UPS', { sysObjectId: '1.3.6.1.4.1.534.1', sysDescr: 'Eaton 5PX 1500' }, 'ups'],
  ['an Eaton ePDU', { sysObjectId: '1.3.6.1.4.1.534.6.6.7', sysDescr: 'Eaton ePDU MA 1P IN:C20' }, 'pdu'],
  [
    'an HP printer',
    { sysObjectId: '1.3.6.1.4.1.11.2.3.9.1', sysDescr: 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153' },
    'printer',
  ],
  [
    'a printer of any vendor (Printer-MIB)',
    { sysObjectId: '1.3.6.1.4.1.2435.2.3.9.1', sysDescr: 'Brother NC-8300h', printerMib: true },
    'printer',
  ],
  [
    'a printer that says so',
    { sysObjectId: '1.3.6.1.4.1.1347.41', sysDescr: 'KYOCERA Document Solutions Printing System ECOSYS M2540dn' },
    'printer',
  ],
  ['a NetApp', { sysObjectId: '1.3.6.1.4.1.789.2.5', sysDescr: 'NetApp Release 9.11.1P3: Tue Oct 18 2022' }, 'storage'],
  ['a Dell iDRAC', { sysObjectId: '1.3.6.1.4.1.674.10892.5', sysDescr: 'Linux idrac-ABC1234 4.9.142' }, 'server'],
  ['a Dell PowerConnect', { sysObjectId: '1.3.6.1.4.1.674.10895.3031', sysDescr: 'PowerConnect 5524' }, 'switch'],
  [
    'a Windows server',
    {
      sysObjectId: '1.3.6.1.4.1.311.1.1.3.1.2',
      sysDescr: 'Hardware: Intel64 Family 6 - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)',
      sysServices: 76,
    },
    'server',
  ],
  [
    'a Windows workstation',
    { sysObjectId: '1.3.6.1.4.1.311.1.1.3.1.1', sysDescr: 'Hardware: AMD64 - Software: Windows Version 6.3 (Build 22631)' },
    'workstation',
  ],
  ['an F5 BIG-IP', { sysObjectId: '1.3.6.1.4.1.3375.2.1.3.4.43', sysDescr: 'BIG-IP i2800 : Linux 3.10.0-862.14.4.el7' }, 'load_balancer'],
  ['a device that only claims layers 2 and 3', { sysObjectId: '1.3.6.1.4.1.99999.1', sysServices: 6 }, 'switch'],
  ['a host of an unknown vendor', { sysObjectId: '1.3.6.1.4.1.99999.1', sysServices: 72 }, 'server'],
];

describe('telling what an SNMP device is', () => {
  it.each(DEVICES)('takes %s for what it is', (_, facts, kind) => {
    const found = classifyDevice(facts);
    expect({ kind: found.kind, certain: found.certain }, found.why).toEqual({ kind, certain: true });
  });

  it.each([
    ['nothing at all', {}],
    ['an unknown vendor saying nothing', { sysObjectId: '1.3.6.1.4.1.99999.7', sysDescr: 'Model 7 rev B' }],
    ['bridging claimed on a host', { sysObjectId: '1.3.6.1.4.1.99999.7', sysServices: 74 }],
  ])('records a device it cannot tell (%s) as a generic network device, and says it guessed', (_, facts) => {
    expect(classifyDevice(facts)).toMatchObject({ kind: 'network_device', type: 'network_device', family: 'network', certain: false });
  });

  it('records each kind as a CI type whose attributes it can fill', () => {
    expect(classifyDevice(DEVICES[0]![1])).toMatchObject({ type: 'physical_server', family: 'host', why: "sysServices: a host's layers" });
    expect(classifyDevice({ printerMib: true })).toMatchObject({ type: 'printer', family: 'appliance' });
    expect(classifyDevice({ sysObjectId: '1.3.6.1.4.1.318.1.3.27' })).toMatchObject({ type: 'ups', family: 'appliance' });
    expect(classifyDevice({ sysObjectId: '1.3.6.1.4.1.789.2.5' })).toMatchObject({ type: 'storage_array', family: 'appliance' });
  });

  it.each([
    [undefined, undefined],
    [0, undefined],
    [2, 'bridge'],
    [4, 'router'],
    [6, 'multilayer'],
    [72, 'host'],
    [76, 'host'],
    [78, undefined],
  ])('reads sysServices %s as %s', (services, role) => {
    expect(layerRole(services)).toBe(role);
  });

  it('reads sysDescr without the names people gave the device', () => {
    expect(descriptionWords({ sysDescr: UNAME('edge-router-1'), sysName: 'edge-router-1.example.org' })).toBe(
      'linux 6.1.0-18-amd64 #1 smp preempt_dynamic debian 6.1.76-1 (2024-02-01) x86_64',
    );
    expect(descriptionWords({ sysDescr: 'Core switch in room 2', sysName: 'core' })).toBe('switch in room 2');
  });
});
