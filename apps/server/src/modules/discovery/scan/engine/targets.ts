/**
 * Scan targets: turns what a user typed (CIDRs, single addresses, ranges) into the list of addresses a scan probes,
 * and applies the scan side of the outbound policy — private and loopback ranges are fine (finding them is the job),
 * link-local and cloud-metadata addresses only when allowed, multicast, unspecified and reserved addresses never.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** More addresses than this need `force`. */
export const SCAN_SOFT_LIMIT = 4_096;
/** More addresses than this are refused even with `force`. */
export const SCAN_HARD_LIMIT = 65_536;
/** IPv6 prefixes shorter than this are refused: a /64 cannot be swept, only sampled. */
export const IPV6_MIN_PREFIX = 112;

/** Why a target list was refused; the API answers 400 with `message`, which names the target and the way out. */
export type ScanTargetErrorCode = 'empty' | 'invalid' | 'too-many' | 'prefix-too-short' | 'refused';

/** A target list the scan policy refuses. Nothing is scanned; `target` is the entry at fault when there is one. */
export class ScanTargetError extends Error {
  override readonly name = 'ScanTargetError';
  constructor(
    readonly code: ScanTargetErrorCode,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

/** Options of `expandTargets`. */
export interface ExpandOptions {
  /** Allow more than SCAN_SOFT_LIMIT addresses (never more than SCAN_HARD_LIMIT). */
  force?: boolean;
  /** Allow link-local (169.254.0.0/16, fe80::/10) and cloud-metadata addresses. */
  allowLinkLocal?: boolean;
}

interface Block {
  v: 4 | 6;
  first: bigint;
  last: bigint;
}

const V4_BITS = 32n;
const V6_BITS = 128n;

function cidrBlock(v: 4 | 6, text: string): Block {
  const [address, prefix] = text.split('/') as [string, string];
  const value = parseAddress(v, address);
  const bits = v === 4 ? V4_BITS : V6_BITS;
  const p = BigInt(prefix);
  const hostBits = bits - p;
  const first = (value >> hostBits) << hostBits;
  return { v, first, last: first + (1n << hostBits) - 1n };
}

/** Every policy range, matched against each address the expansion yields (and against whole blocks first). */
const refusedAlways: Array<{ block: Block; what: string }> = [
  { block: cidrBlock(4, '0.0.0.0/8'), what: 'unspecified ("this network", 0.0.0.0/8)' },
  { block: cidrBlock(4, '224.0.0.0/4'), what: 'multicast (224.0.0.0/4)' },
  { block: cidrBlock(4, '240.0.0.0/4'), what: 'reserved or broadcast (240.0.0.0/4)' },
  { block: cidrBlock(6, '::/128'), what: 'unspecified (::)' },
  { block: cidrBlock(6, 'ff00::/8'), what: 'multicast (ff00::/8)' },
];
/** Cloud instance-metadata endpoints: AWS/GCP/Azure/OpenStack/Oracle, AWS IPv6, Alibaba, Azure WireServer. */
const refusedUnlessAllowed: Array<{ block: Block; what: string }> = [
  { block: cidrBlock(4, '169.254.0.0/16'), what: 'link-local (169.254.0.0/16, includes the 169.254.169.254 cloud metadata service)' },
  { block: cidrBlock(6, 'fe80::/10'), what: 'link-local (fe80::/10)' },
  { block: cidrBlock(6, 'fd00:ec2::254/128'), what: 'a cloud metadata service (AWS IPv6 fd00:ec2::254)' },
  { block: cidrBlock(4, '100.100.100.200/32'), what: 'a cloud metadata service (Alibaba Cloud 100.100.100.200)' },
  { block: cidrBlock(4, '168.63.129.16/32'), what: 'a cloud platform service (Azure WireServer 168.63.129.16)' },
];

function parseAddress(v: 4 | 6, text: string): bigint {
  if (v === 4) {
    return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  }
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseAddress(4, text.slice(lastColon + 1));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes('::') ? (head.split('::') as [string, string]) : [head, null];
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const groups =
    right === null ? leftGroups : [...leftGroups, ...Array(8 - leftGroups.length - rightGroups.length).fill('0'), ...rightGroups];
  let value = groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Formats an address value in its canonical text form (RFC 5952 for IPv6: lower case, longest zero run as ::). */
function formatAddress(v: 4 | 6, value: bigint): string {
  if (v === 4) return [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The version of an IP literal, or null. IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4 so the policy sees it. */
function literal(text: string): { v: 4 | 6; value: bigint } | null {
  if (isIPv4(text)) return { v: 4, value: parseAddress(4, text) };
  if (!isIPv6(text) || text.includes('%')) return null;
  const value = parseAddress(6, text);
  if (value >> 32n === 0xffffn) return { v: 4, value: value & 0xffffffffn };
  return { v: 6, value };
}

function parseTarget(raw: string): Block {
  const text = raw.trim().toLowerCase();
  const invalid = () =>
    new ScanTargetError(
      'invalid',
      `"${raw}" is not an IP address, CIDR (10.0.0.0/24, fd00::/120) or range (10.0.0.1-10.0.0.20, 10.0.0.1-20).`,
      raw,
    );
  if (text.includes('/')) {
    const [address, prefixText] = text.split('/') as [string, string];
    const parsed = literal(address);
    if (!parsed || !/^\d{1,3}$/.test(prefixText ?? '')) throw invalid();
    const prefix = Number(prefixText);
    const bits = parsed.v === 4 ? 32 : 128;
    if (prefix > bits) throw invalid();
    if (parsed.v === 6 && prefix < IPV6_MIN_PREFIX) {
      throw new ScanTargetError(
        'prefix-too-short',
        `"${raw}" is an IPv6 prefix shorter than /${IPV6_MIN_PREFIX}; list the addresses or a narrower prefix instead.`,
        raw,
      );
    }
    const hostBits = BigInt(bits - prefix);
    const first = (parsed.value >> hostBits) << hostBits;
    const last = first + (1n << hostBits) - 1n;
    // The network and broadcast addresses of an IPv4 block answer for no host (a /31 and /32 have neither).
    if (parsed.v === 4 && prefix <= 30) return { v: 4, first: first + 1n, last: last - 1n };
    return { v: parsed.v, first, last };
  }
  if (text.includes('-')) {
    const [fromText, toText] = text.split('-').map((s) => s.trim()) as [string, string];
    const from = literal(fromText);
    if (!from) throw invalid();
    let to = literal(toText ?? '');
    // 10.0.0.1-20: the end repeats only the last octet.
    if (!to && from.v === 4 && /^\d{1,3}$/.test(toText ?? '') && Number(toText) <= 255) {
      to = { v: 4, value: (from.value & ~0xffn) | BigInt(Number(toText)) };
    }
    if (!to || to.v !== from.v) throw invalid();
    if (to.value < from.value) {
      throw new ScanTargetError('invalid', `"${raw}" ends before it starts.`, raw);
    }
    return { v: from.v, first: from.value, last: to.value };
  }
  const single = literal(text);
  if (!single) throw invalid();
  return { v: single.v, first: single.value, last: single.value };
}

function checkPolicy(raw: string, block: Block, allowLinkLocal: boolean): void {
  const rules = allowLinkLocal ? refusedAlways : [...refusedAlways, ...refusedUnlessAllowed];
  for (const rule of rules) {
    if (rule.block.v !== block.v || block.last < rule.block.first || block.first > rule.block.last) continue;
    const lifted = refusedUnlessAllowed.includes(rule) ? ' (allow link-local addresses on the scan to include it)' : '';
    throw new ScanTargetError('refused', `"${raw}" includes ${rule.what}, which scans may not reach${lifted}.`, raw);
  }
}

/**
 * Expands targets into a deduplicated list of canonical addresses in the order first given. Throws a ScanTargetError
 * (and expands nothing) when an entry is malformed, reaches a refused range, is an IPv6 prefix shorter than /112, or
 * when the total exceeds SCAN_SOFT_LIMIT without `force` or SCAN_HARD_LIMIT at all. Sizes are checked before any
 * list is built, so `0.0.0.0/0` costs nothing to refuse.
 */
export function expandTargets(targets: string[], options: ExpandOptions = {}): string[] {
  const blocks = targets.filter((t) => t.trim() !== '').map((raw) => ({ raw, block: parseTarget(raw) }));
  if (blocks.length === 0) throw new ScanTargetError('empty', 'Give at least one address, CIDR or range to scan.');
  const tooMany = (count: bigint) => {
    if (count > BigInt(SCAN_HARD_LIMIT)) {
      return new ScanTargetError('too-many', `The targets hold ${count} addresses; a scan may cover at most ${SCAN_HARD_LIMIT}.`);
    }
    if (count > BigInt(SCAN_SOFT_LIMIT) && !options.force) {
      return new ScanTargetError(
        'too-many',
        `The targets hold ${count} addresses, more than ${SCAN_SOFT_LIMIT}; narrow them or force the scan.`,
      );
    }
    return null;
  };
  let upperBound = 0n;
  for (const { block } of blocks) {
    const size = block.last - block.first + 1n;
    // One entry over the hard limit is fatal whatever else is listed; a sum can overstate overlapping entries.
    if (size > BigInt(SCAN_HARD_LIMIT)) throw tooMany(size)!;
    upperBound += size;
  }
  for (const { raw, block } of blocks) checkPolicy(raw, block, options.allowLinkLocal === true);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { block } of blocks) {
    for (let value = block.first; value <= block.last; value++) {
      const address = formatAddress(block.v, value);
      if (seen.has(address)) continue;
      seen.add(address);
      out.push(address);
      if (out.length > SCAN_HARD_LIMIT) throw tooMany(upperBound)!;
    }
  }
  const error = tooMany(BigInt(out.length));
  if (error) throw error;
  return out;
}
