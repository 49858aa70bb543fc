import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agentSigningPayload, applyMergePatch, mergePatchBetween, serverSigningPayload } from './agent-protocol';
import { canonicalJson } from './canonical-json';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('signing payloads', () => {
  it('lays out what an agent signs: a version line, then method, path with query, timestamp, nonce, body hash', () => {
    const payload = agentSigningPayload({
      method: 'post',
      path: '/api/v1/agent/metrics?batch=7&x=%20y',
      timestamp: '1764763200000',
      nonce: 'q1w2e3r4t5y6u7i8o9p0aa',
      bodySha256: EMPTY_SHA256,
    });
    expect(payload).toBe(
      [
        'ESTATE-AGENT-V1',
        'POST',
        '/api/v1/agent/metrics?batch=7&x=%20y',
        '1764763200000',
        'q1w2e3r4t5y6u7i8o9p0aa',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(agentSigningPayload({ method: 'GET', path: '/api/v1/agent/config', timestamp: '1', nonce: 'n', bodySha256: 'h' })).toBe(
      'ESTATE-AGENT-V1\nGET\n/api/v1/agent/config\n1\nn\nh',
    );
  });

  it('lays out what the server signs in answer: a version line, then the nonce, status and body hash', () => {
    expect(serverSigningPayload({ nonce: 'q1w2e3r4t5y6u7i8o9p0aa', status: 409, bodySha256: EMPTY_SHA256 })).toBe(
      `ESTATE-SERVER-V1\nq1w2e3r4t5y6u7i8o9p0aa\n409\n${EMPTY_SHA256}`,
    );
  });

  it('never gives one text for an agent request and a server answer', () => {
    const agent = agentSigningPayload({ method: 'GET', path: '/', timestamp: '1', nonce: 'n', bodySha256: 'h' });
    const server = serverSigningPayload({ nonce: 'n', status: 200, bodySha256: 'h' });
    expect(agent.split('\n')[0]).not.toBe(server.split('\n')[0]);
  });
});

describe('applyMergePatch (RFC 7386)', () => {
  // RFC 7386 appendix A, every example: target, patch, result.
  const examples: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];

  it.each(examples)('patches %j with %j into %j', (target, patch, result) => {
    const before = structuredClone(target);
    expect(applyMergePatch(target, patch)).toEqual(result);
    expect(target).toEqual(before);
  });

  it('replaces arrays whole, never merging their elements', () => {
    expect(applyMergePatch({ tags: ['a', 'b', 'c'] }, { tags: ['c'] })).toEqual({ tags: ['c'] });
    expect(applyMergePatch({ list: [{ a: 1, b: 2 }] }, { list: [{ a: 3 }] })).toEqual({ list: [{ a: 3 }] });
  });

  it('ignores a __proto__ member instead of changing any prototype', () => {
    const patched = applyMergePatch({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}, "b": 2}')) as Record<string, unknown>;
    expect(patched).toEqual({ a: 1, b: 2 });
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mergePatchBetween', () => {
  it('is undefined for equal values, whatever their key order', () => {
    expect(mergePatchBetween({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeUndefined();
    expect(mergePatchBetween(3, 3)).toBeUndefined();
    expect(mergePatchBetween({}, {})).toBeUndefined();
  });

  it('sets changed and added members, nulls removed ones, recurses into objects and replaces arrays whole', () => {
    const before = { keep: 1, change: 'x', drop: true, nested: { a: 1, b: 2 }, list: [1, 2, 3] };
    const after = { keep: 1, change: 'y', add: { n: 1 }, nested: { a: 1, c: 3 }, list: [1, 2] };
    expect(mergePatchBetween(before, after)).toEqual({
      change: 'y',
      drop: null,
      add: { n: 1 },
      nested: { b: null, c: 3 },
      list: [1, 2],
    });
    expect(mergePatchBetween({ list: [1, 2] }, { list: [2, 1] })).toEqual({ list: [2, 1] });
    expect(mergePatchBetween({ a: 1 }, 'scalar')).toBe('scalar');
  });

  it('gives the server, patching what it stored, the snapshot the agent hashed', () => {
    // The agent sends mergePatchBetween(base, next) and the hash of next; the server applies the patch to its stored
    // base (read back from jsonb with keys reordered, after a JSON round trip) and must arrive at the same hash.
    const base = {
      hostname: 'app-01',
      os: { name: 'Debian GNU/Linux', version: '12' },
      memoryBytes: 8_589_934_592,
      disks: [{ device: 'sda', sizeBytes: 512_110_190_592 }],
      labels: { team: 'ops', tier: 'gold' },
    };
    const nexts = [
      { ...base, memoryBytes: 17_179_869_184 },
      { ...base, os: { name: 'Debian GNU/Linux', version: '13' }, labels: { team: 'ops' } },
      { ...base, disks: [...base.disks, { device: 'sdb', sizeBytes: 1_000_204_886_016 }], swapBytes: 0 },
      { hostname: 'app-01', os: {}, memoryBytes: 1, disks: [], labels: {} },
    ];
    for (const next of nexts) {
      const patch = JSON.parse(JSON.stringify(mergePatchBetween(base, next)));
      const stored = JSON.parse(JSON.stringify({ ...base, labels: { tier: 'gold', team: 'ops' } }));
      expect(sha256(canonicalJson(applyMergePatch(stored, patch)))).toBe(sha256(canonicalJson(next)));
    }
    expect(mergePatchBetween(base, structuredClone(base))).toBeUndefined();
  });
});
