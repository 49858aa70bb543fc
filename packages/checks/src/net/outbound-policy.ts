/**
 * Estate's outbound policy: which addresses a connection Estate opens may reach. Scans use it now; monitoring
 * checks and notification webhooks are to use it too, each refusing its own set of destination classes.
 *
 * An IPv6 address can carry an IPv4 address that the network delivers to (IPv4-mapped, IPv4-compatible, SIIT,
 * NAT64, 6to4, Teredo). Such an address is judged as itself and as every IPv4 address it carries, so no spelling
 * of `169.254.169.254` gets past a policy that refuses the metadata service.
 */
import ipaddr from 'ipaddr.js';

/** What a destination is, as far as the policy cares. Anything in none of these is a public unicast address. */
export type DestinationClass = 'unspecified' | 'multicast' | 'reserved' | 'linkLocal' | 'cloudMetadata' | 'loopback' | 'private';

/** An inclusive run of addresses of one version, as numbers (bigint: IPv6 needs 128 bits). */
export interface AddressRange {
  v: 4 | 6;
  first: bigint;
  last: bigint;
}

/** Why a policy refuses a destination: the class it falls in, and in words which range and how it was reached. */
export interface Refusal {
  class: DestinationClass;
  /** The range, e.g. `multicast (224.0.0.0/4)`; for a carried IPv4 address followed by the IPv6 form carrying it. */
  what: string;
}

/** The number an address stands for, and its version. */
export function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): AddressRange {
  const value = address.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  return { v: address.kind() === 'ipv4' ? 4 : 6, first: value, last: value };
}

function cidr(text: string): AddressRange {
  const [address, prefix] = ipaddr.parseCIDR(text);
  const { v, first: value } = rangeOf(address);
  const hostBits = BigInt((v === 4 ? 32 : 128) - prefix);
  const first = (value >> hostBits) << hostBits;
  return { v, first, last: first + (1n << hostBits) - 1n };
}

interface ClassRange {
  range: AddressRange;
  class: DestinationClass;
  what: string;
}

const range = (text: string, cls: DestinationClass, what: string): ClassRange => ({ range: cidr(text), class: cls, what });

/** Every classified range. Order matters: the first refused range a destination touches is the one reported. */
const CLASSIFIED: ClassRange[] = [
  range('0.0.0.0/8', 'unspecified', 'unspecified ("this network", 0.0.0.0/8)'),
  range('224.0.0.0/4', 'multicast', 'multicast (224.0.0.0/4)'),
  range('240.0.0.0/4', 'reserved', 'reserved or broadcast (240.0.0.0/4)'),
  range('::/128', 'unspecified', 'unspecified (::)'),
  range('ff00::/8', 'multicast', 'multicast (ff00::/8)'),
  range('169.254.0.0/16', 'linkLocal', 'link-local (169.254.0.0/16, includes the 169.254.169.254 cloud metadata service)'),
  range('fe80::/10', 'linkLocal', 'link-local (fe80::/10)'),
  // Inside link-local, listed again so a policy that allows link-local but not metadata still refuses them.
  range('169.254.169.254/32', 'cloudMetadata', 'a cloud metadata service (169.254.169.254: AWS, GCP, Azure, OpenStack, …)'),
  range('169.254.170.2/32', 'cloudMetadata', 'a cloud metadata service (AWS ECS task metadata 169.254.170.2)'),
  range('fd00:ec2::254/128', 'cloudMetadata', 'a cloud metadata service (AWS IPv6 fd00:ec2::254)'),
  range('100.100.100.200/32', 'cloudMetadata', 'a cloud metadata service (Alibaba Cloud 100.100.100.200)'),
  range('168.63.129.16/32', 'cloudMetadata', 'a cloud platform service (Azure WireServer 168.63.129.16)'),
  range('127.0.0.0/8', 'loopback', 'loopback (127.0.0.0/8)'),
  range('::1/128', 'loopback', 'loopback (::1)'),
  range('10.0.0.0/8', 'private', 'private (10.0.0.0/8)'),
  range('172.16.0.0/12', 'private', 'private (172.16.0.0/12)'),
  range('192.168.0.0/16', 'private', 'private (192.168.0.0/16)'),
  range('100.64.0.0/10', 'private', 'shared address space (100.64.0.0/10)'),
  range('fc00::/7', 'private', 'unique local (fc00::/7)'),
];

/** The four bytes at `offsets` of a 16-byte IPv6 value, as an IPv4 number; `invert` undoes Teredo's obfuscation. */
function bytesAt(value: bigint, offsets: number[], invert = false): bigint {
  let out = 0n;
  for (const offset of offsets) {
    const byte = (value >> BigInt((15 - offset) * 8)) & 0xffn;
    out = (out << 8n) | (invert ? byte ^ 0xffn : byte);
  }
  return out;
}

interface Embedding {
  prefix: AddressRange;
  /** How the IPv6 form is named in a refusal. */
  name: string;
  /** The IPv4 numbers an address in `prefix` carries. */
  carried(value: bigint): bigint[];
}

const LOW_32 = [12, 13, 14, 15];
const low32 = (value: bigint) => [bytesAt(value, LOW_32)];

/** IPv6 forms that deliver to an IPv4 address, with where each keeps it. */
const EMBEDDINGS: Embedding[] = [
  { prefix: cidr('::ffff:0:0/96'), name: 'an IPv4-mapped address (::ffff:0:0/96)', carried: low32 },
  // `::` and `::1` are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
  { prefix: cidr('::/96'), name: 'an IPv4-compatible address (::/96)', carried: (value) => (value < 2n ? [] : low32(value)) },
  { prefix: cidr('::ffff:0:0:0/96'), name: 'an IPv4-translated (SIIT) address (::ffff:0:0:0/96)', carried: low32 },
  { prefix: cidr('64:ff9b::/96'), name: 'a NAT64 address (64:ff9b::/96)', carried: low32 },
  // RFC 8215's local-use prefix may be cut at /48, /56, /64 or /96, and RFC 6052 places the IPv4 address
  // differently for each: every cut is judged, except where it reads the zero padding of another (0.0.0.0/8).
  {
    prefix: cidr('64:ff9b:1::/48'),
    name: 'a NAT64 address (64:ff9b:1::/48)',
    carried: (value) =>
      [[6, 7, 9, 10], [7, 9, 10, 11], [9, 10, 11, 12], LOW_32].map((offsets) => bytesAt(value, offsets)).filter((v4) => v4 >= 1n << 24n),
  },
  { prefix: cidr('2002::/16'), name: 'a 6to4 address (2002::/16)', carried: (value) => [bytesAt(value, [2, 3, 4, 5])] },
  // Teredo carries its server's address and, inverted, the client's public address.
  {
    prefix: cidr('2001::/32'),
    name: 'a Teredo address (2001::/32)',
    carried: (value) => [bytesAt(value, [4, 5, 6, 7]), bytesAt(value, LOW_32, true)],
  },
];

/** Past this many addresses of one embedding a range counts as carrying every IPv4 address. */
const ADDRESS_BY_ADDRESS_LIMIT = 65_536n;

const later = (a: bigint, b: bigint) => (a > b ? a : b);
const earlier = (a: bigint, b: bigint) => (a < b ? a : b);

function overlap(a: AddressRange, b: AddressRange): AddressRange | null {
  if (a.v !== b.v || a.last < b.first || a.first > b.last) return null;
  return { v: a.v, first: later(a.first, b.first), last: earlier(a.last, b.last) };
}

function refusedRange(target: AddressRange, refused: ReadonlySet<DestinationClass>): ClassRange | undefined {
  return CLASSIFIED.find((entry) => refused.has(entry.class) && overlap(entry.range, target) !== null);
}

function refusedCarried(target: AddressRange, refused: ReadonlySet<DestinationClass>): Refusal | null {
  const rules = CLASSIFIED.filter((entry) => entry.range.v === 4 && refused.has(entry.class));
  for (const embedding of EMBEDDINGS) {
    const inside = overlap(target, embedding.prefix);
    if (!inside) continue;
    let hit: ClassRange | undefined;
    if (inside.last - inside.first >= ADDRESS_BY_ADDRESS_LIMIT) {
      hit = rules[0];
    } else {
      for (let value = inside.first; value <= inside.last && !hit; value++) {
        for (const v4 of embedding.carried(value)) {
          hit = rules.find((rule) => v4 >= rule.range.first && v4 <= rule.range.last);
          if (hit) break;
        }
      }
    }
    if (hit) return { class: hit.class, what: `${hit.what}, carried in ${embedding.name}` };
  }
  return null;
}

/**
 * Why a policy refusing the classes in `refused` refuses some address of `target`, or null when it reaches none
 * of them, neither directly nor through an IPv4 address an IPv6 address in it carries. Ranges are checked against
 * each classified range whole; only the part inside an IPv4-carrying prefix is walked address by address (up to
 * 65,536 addresses; a larger part counts as reaching every IPv4 address).
 */
export function rangeRefusal(target: AddressRange, refused: ReadonlySet<DestinationClass>): Refusal | null {
  const direct = refusedRange(target, refused);
  if (direct) return { class: direct.class, what: direct.what };
  return target.v === 6 ? refusedCarried(target, refused) : null;
}

/** Why a policy refusing the classes in `refused` refuses `address`, or null when it may be reached. */
export function destinationRefusal(address: ipaddr.IPv4 | ipaddr.IPv6, refused: ReadonlySet<DestinationClass>): Refusal | null {
  return rangeRefusal(rangeOf(address), refused);
}

/** The IPv4 addresses an IPv6 address delivers to (none for most), in the order of the forms above. */
export function carriedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const { first: value } = rangeOf(address);
  const out: ipaddr.IPv4[] = [];
  for (const embedding of EMBEDDINGS) {
    if (value < embedding.prefix.first || value > embedding.prefix.last) continue;
    for (const v4 of embedding.carried(value)) {
      out.push(ipaddr.fromByteArray([24, 16, 8, 0].map((shift) => Number((v4 >> BigInt(shift)) & 0xffn))) as ipaddr.IPv4);
    }
  }
  return out;
}
