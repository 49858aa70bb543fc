/**
 * Scan targets: turns what a user typed (CIDRs, single addresses, ranges) into the list of addresses a scan probes,
 * and applies the scan side of the outbound policy (`platform/net/outbound-policy.ts`) — private and loopback ranges
 * are fine (finding them is the job), link-local and cloud-metadata addresses only when allowed, multicast,
 * unspecified and reserved addresses never, whether written plainly or carried in an IPv6 address (NAT64, 6to4…).
 */

import { type AddressRange, type DestinationClass, rangeOf, rangeRefusal } from '@estate/checks';
import ipaddr from 'ipaddr.js';
import { parseIp } from '../../../../platform/net/addresses';

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

/** An address as a version and a number: ipaddr.js parses and formats, the expansion counts. */
interface Numbered {
  v: 4 | 6;
  value: bigint;
}

/** The canonical text of a numbered address (RFC 5952 for IPv6: lower case, longest zero run as ::). */
function formatAddress(v: 4 | 6, value: bigint): string {
  const length = v === 4 ? 4 : 16;
  const bytes = Array.from({ length }, (_, i) => Number((value >> BigInt((length - 1 - i) * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** The addresses of `address/prefix`: the block that shares the address's first `prefix` bits. */
function blockOf({ v, value }: Numbered, prefix: number): AddressRange {
  const hostBits = BigInt((v === 4 ? 32 : 128) - prefix);
  const first = (value >> hostBits) << hostBits;
  return { v, first, last: first + (1n << hostBits) - 1n };
}

/** Never scanned. */
const REFUSED_ALWAYS: ReadonlySet<DestinationClass> = new Set(['unspecified', 'multicast', 'reserved']);
/** Scanned only when the scan allows link-local addresses. */
const LIFTABLE: ReadonlySet<DestinationClass> = new Set(['linkLocal', 'cloudMetadata']);
const REFUSED_BY_DEFAULT: ReadonlySet<DestinationClass> = new Set([...REFUSED_ALWAYS, ...LIFTABLE]);

/** The address an IP literal names, or null. IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4 so the policy sees it. */
function literal(text: string): Numbered | null {
  const address = parseIp(text);
  if (!address) return null;
  const { v, first } = rangeOf(address);
  return { v, value: first };
}

function parseTarget(raw: string): AddressRange {
  const text = raw.trim().toLowerCase();
  const invalid = () =>
    new ScanTargetError(
      'invalid',
      `"${raw}" is not an IP address, CIDR (10.0.0.0/24, fd00::/120) or range (10.0.0.1-10.0.0.20, 10.0.0.1-20).`,
      raw,
    );
  if (text.includes('/')) {
    const [address = '', prefixText = '', ...extra] = text.split('/');
    const parsed = literal(address);
    if (!parsed || extra.length > 0 || !/^\d{1,3}$/.test(prefixText)) throw invalid();
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
    const { first, last } = blockOf(parsed, prefix);
    // The network and broadcast addresses of an IPv4 block answer for no host (a /31 and /32 have neither).
    if (parsed.v === 4 && prefix <= 30) return { v: 4, first: first + 1n, last: last - 1n };
    return { v: parsed.v, first, last };
  }
  if (text.includes('-')) {
    const [fromText = '', toText = '', ...extra] = text.split('-').map((s) => s.trim());
    const from = literal(fromText);
    if (!from || extra.length > 0) throw invalid();
    let to = literal(toText);
    // 10.0.0.1-20: the end repeats only the last octet.
    if (!to && from.v === 4 && /^\d{1,3}$/.test(toText) && Number(toText) <= 255) {
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

function checkPolicy(raw: string, block: AddressRange, allowLinkLocal: boolean): void {
  const refusal = rangeRefusal(block, allowLinkLocal ? REFUSED_ALWAYS : REFUSED_BY_DEFAULT);
  if (!refusal) return;
  const lifted = LIFTABLE.has(refusal.class) ? ' (allow link-local addresses on the scan to include it)' : '';
  throw new ScanTargetError('refused', `"${raw}" includes ${refusal.what}, which scans may not reach${lifted}.`, raw);
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
