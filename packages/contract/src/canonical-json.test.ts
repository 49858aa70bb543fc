import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

/** The same JSON with its object keys in PostgreSQL jsonb's storage order: shorter keys first, then bytewise. */
function jsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort(
    (a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = jsonbOrder((value as Record<string, unknown>)[key]);
  return out;
}

/** SHA-256 (hex) of the canonical text of the snapshot below, computed once with sha256sum. */
const PINNED_SNAPSHOT_SHA256 = 'c56732546ecfc72940daaa0c0cf9e466c7b52ec65a1d95ad125a0339418c63be';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    const value = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, '': true };
    expect(canonicalJson(value)).toBe('{"":true,"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ '': true, b: 1, a: { c: null, d: [3, { y: 2, z: 1 }] } })).toBe(canonicalJson(value));
    expect(canonicalJson([{ b: 1, a: 2 }, 'x', [2, 1]])).toBe('[{"a":2,"b":1},"x",[2,1]]');
  });

  it('orders keys by UTF-16 code units, integer-like keys as text, case before accents', () => {
    // Object.keys lists integer-like keys first in numeric order; the canonical form sorts them as text.
    expect(canonicalJson({ 9: 'nine', 10: 'ten', a: 1, B: 2, é: 3, _: 4 })).toBe('{"10":"ten","9":"nine","B":2,"_":4,"a":1,"é":3}');
    // An astral character is a surrogate pair (0xD83D…), which sorts before U+FF5E in code units.
    expect(canonicalJson({ '～': 1, '😀': 2 })).toBe('{"😀":2,"～":1}');
  });

  it('leaves out undefined members, and writes undefined elsewhere as null', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('escapes strings and keys as JSON.stringify does', () => {
    const text = 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f é 😀 lone \ud800';
    expect(canonicalJson(text)).toBe(JSON.stringify(text));
    expect(canonicalJson(text)).toBe('"quote \\" backslash \\\\ newline \\n tab \\t nul \\u0000 del \u007f é 😀 lone \\ud800"');
    expect(canonicalJson({ 'a"b': 1, 'line\nbreak': 2 })).toBe('{"a\\"b":1,"line\\nbreak":2}');
  });

  it('formats numbers as JavaScript does, and non-finite numbers as null', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-12.5, '-12.5'],
      [0.1, '0.1'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e21, '1e+21'],
      [123456789012345680000, '123456789012345680000'],
      [1.5e-7, '1.5e-7'],
      [0.000001, '0.000001'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      [Number.NaN, 'null'],
      [Number.POSITIVE_INFINITY, 'null'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value), String(value)).toBe(text);
    expect(canonicalJson([true, false, 'x'])).toBe('[true,false,"x"]');
  });

  it('gives the text an agent hashes also to the server, which hashes what it parsed or read back from jsonb', () => {
    // The agent hashes the object it built; the server hashes the same value after JSON.parse of the request body,
    // or as PostgreSQL's jsonb hands it back, keys reordered. All three must give the same text and the same hash.
    const snapshot = {
      hostname: 'app-01',
      os: { name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0-18-amd64' },
      memoryBytes: 8_589_934_592,
      cpu: { model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', cores: 4, mhz: 2100.5 },
      interfaces: [
        { name: 'eth0', mac: '52:54:00:12:34:56', addresses: ['10.1.2.3/24', 'fe80::5054:ff:fe12:3456/64'] },
        { name: 'lo', mac: null, addresses: ['127.0.0.1/8'] },
      ],
      labels: { 'team/owner': 'Café ☕', empty: '' },
      uptimeSeconds: 0.25,
      notSent: undefined,
    };
    const canonical = canonicalJson(snapshot);
    expect(canonicalJson(JSON.parse(JSON.stringify(snapshot)))).toBe(canonical);
    expect(canonicalJson(jsonbOrder(JSON.parse(JSON.stringify(snapshot))))).toBe(canonical);
    expect(canonical).toBe(
      '{"cpu":{"cores":4,"mhz":2100.5,"model":"Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz"},"hostname":"app-01",' +
        '"interfaces":[{"addresses":["10.1.2.3/24","fe80::5054:ff:fe12:3456/64"],"mac":"52:54:00:12:34:56","name":"eth0"},' +
        '{"addresses":["127.0.0.1/8"],"mac":null,"name":"lo"}],"labels":{"empty":"","team/owner":"Café ☕"},' +
        '"memoryBytes":8589934592,"os":{"kernel":"6.1.0-18-amd64","name":"Debian GNU/Linux","version":"12"},"uptimeSeconds":0.25}',
    );
    // Pinned: a change of the canonical form would make every stored snapshot hash stale and every agent's delta fail.
    expect(sha256(canonical)).toBe(PINNED_SNAPSHOT_SHA256);
  });
});
