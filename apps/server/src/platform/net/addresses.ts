/**
 * The one way Estate writes hardware and network addresses, so that a MAC an agent reports, one an SNMP walk finds
 * and one a user imports compare equal. Each normaliser answers the canonical text of an address that names one
 * thing, or null for anything else: malformed input, and placeholders that would match every machine that has them.
 */
import ipaddr from 'ipaddr.js';

/** MACs firmware and operating systems report where they have none; each would tie unrelated machines together. */
const PLACEHOLDER_MACS = new Set([
  '00:00:00:00:00:00',
  'ff:ff:ff:ff:ff:ff',
  // What Android answers to apps when it will not disclose the real address.
  '02:00:00:00:00:00',
]);

/** The hexadecimal digits of a MAC in one of the written forms `normaliseMac` accepts, or null. */
function macDigits(text: string): string | null {
  const bare = /^(?:0x)?([0-9a-f]{12})$/.exec(text);
  if (bare) return bare[1]!;
  if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(text)) return text.replaceAll('.', '');
  const separator = /[:\- ]/.exec(text)?.[0];
  if (separator === undefined) return null;
  const bytes = text.split(separator);
  if (bytes.length !== 6 || !bytes.every((b) => /^[0-9a-f]{1,2}$/.test(b))) return null;
  return bytes.map((b) => b.padStart(2, '0')).join('');
}

/**
 * A MAC address as `aa:bb:cc:dd:ee:ff` (lower case, colon-separated, two digits a byte), or null.
 *
 * Accepts bytes separated by colons, hyphens or spaces (one separator throughout, leading zeros optional: SNMP's
 * `00 1A 2B 3C 4D 5E`, BSD's `0:1a:2b:3c:4d:5e`), Cisco's `aabb.ccdd.eeff`, bare `aabbccddeeff` and SNMP hex
 * strings (`0xaabbccddeeff`); surrounding white space is ignored. Answers null for anything else and for addresses
 * that name no single interface: all-zero, broadcast, multicast (the group bit of the first byte) and the known
 * placeholders.
 */
export function normaliseMac(value: string | null | undefined): string | null {
  const digits = macDigits(value?.trim().toLowerCase() ?? '');
  if (digits === null || Number.parseInt(digits.slice(0, 2), 16) & 1) return null;
  const mac = digits.match(/../g)!.join(':');
  return PLACEHOLDER_MACS.has(mac) ? null : mac;
}

/** Ranges whose addresses name no single host: `0.0.0.0/8`, `::`, loopback, link-local, multicast, broadcast. */
const NOT_A_HOST = new Set(['unspecified', 'loopback', 'linkLocal', 'multicast', 'broadcast']);

/** An IPv4 address as the two IPv6 groups that carry it. */
function hexGroups(address: ipaddr.IPv4): string {
  const [a, b, c, d] = address.octets as [number, number, number, number];
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/**
 * The address an IP literal names, or null when `text` is not exactly one: IPv4 in four decimal parts (not the
 * `10.1`, `167772161` or `0x0a.0.0.1` forms inet_aton also takes, nor leading zeros, which some read as octal), or
 * IPv6, whose embedded IPv4 tail (`::ffff:10.0.0.5`) must be four decimal parts too. No brackets, zone or prefix
 * length. An IPv4-mapped IPv6 address answers as the IPv4 address it carries, so policies and matching see it.
 */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  const head = text.slice(0, text.lastIndexOf(':') + 1);
  const tail = text.slice(head.length);
  if (tail.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
  // Written as two hex groups: ipaddr.js would read `::a.b.c.d` (IPv4-compatible) as `::ffff:a.b.c.d` (mapped).
  const v6 = ipaddr.IPv6.parse(tail.includes('.') ? `${head}${hexGroups(ipaddr.IPv4.parse(tail))}` : text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** `value` trimmed, without brackets around it, a prefix length or a zone: the literal in an interface address. */
function bare(value: string | null | undefined): string {
  return (
    value
      ?.trim()
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\/\d{1,3}$/, '')
      .replace(/%[^%]*$/, '') ?? ''
  );
}

/**
 * An IP address in canonical text, or null. IPv4 is dotted decimal; IPv6 is RFC 5952 (lower case, leading zeros
 * dropped, the longest run of zero groups written `::`); an IPv4-mapped IPv6 address is written as its IPv4 address.
 * Surrounding white space, brackets, a zone and a prefix length are dropped; the rest must be a literal
 * `parseIp` accepts. Answers null for anything that is not an
 * address and for addresses that name no single host: unspecified (`0.0.0.0/8`, `::`), loopback (`127.0.0.0/8`,
 * `::1`), link-local (`169.254.0.0/16`, `fe80::/10`), multicast and the IPv4 broadcast address.
 */
export function normaliseIp(value: string | null | undefined): string | null {
  const address = parseIp(bare(value));
  if (!address || NOT_A_HOST.has(address.range())) return null;
  return address.toString();
}

/** First labels that every machine answers to; matching on them would tie unrelated hosts together. */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost4', 'localhost6', 'ip6-localhost', 'ip6-loopback']);

/**
 * A host name as matching compares it: its first label in lower case, so `web01.example.com.` and `WEB01` are the
 * same host. Answers null for an empty name, an IP literal and the loopback names (`localhost`,
 * `localhost.localdomain`, `ip6-localhost` and the like).
 */
export function normaliseHostname(value: string | null | undefined): string | null {
  const text = value?.trim().toLowerCase().replace(/\.$/, '') ?? '';
  if (text === '' || parseIp(bare(text)) !== null) return null;
  const label = text.split('.')[0] ?? '';
  return label === '' || LOOPBACK_NAMES.has(label) ? null : label;
}
