import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluateConditions, firstFailure } from './condition-evaluator';
import { parseConditions } from './condition-parser';
import { type CheckResultContext, PLACEHOLDERS, type PlaceholderName } from './placeholders';

const EVERY = Object.keys(PLACEHOLDERS) as PlaceholderName[];
const HOUR = 3_600_000;

function run(conditions: string[], context: CheckResultContext, options = {}) {
  return evaluateConditions(parseConditions(conditions, { allowedPlaceholders: EVERY }), context, options);
}
const one = (condition: string, context: CheckResultContext) => run([condition], context)[0];
const passes = (condition: string, context: CheckResultContext) => one(condition, context)?.passed;

afterEach(() => vi.restoreAllMocks());

describe('evaluating conditions', () => {
  it('states the resolved value in the reason, as Gatus does', () => {
    expect(one('[STATUS] == any(200, 204)', { status: 503 })).toEqual({
      condition: '[STATUS] == any(200, 204)',
      passed: false,
      reason: '[STATUS] (503) == any(200, 204)',
    });
    expect(one('[RESPONSE_TIME] < 500', { responseTimeMs: 734 })?.reason).toBe('[RESPONSE_TIME] (734ms) < 500');
    expect(one('[CERTIFICATE_EXPIRATION] > 72h', { certificateExpiresInMs: 50 * HOUR + 60_000 })?.reason).toBe(
      '[CERTIFICATE_EXPIRATION] (2d2h1m) > 72h',
    );
    expect(one('len([BODY].items) > 0', { body: '{"items":[]}' })?.reason).toBe('len([BODY].items) (0) > 0');
  });

  it('reads the one scraped sample a [METRIC] selector picks, and counts them with len() and has()', () => {
    const metrics = [
      { name: 'node_load1', value: 0.75 },
      { name: 'node_filesystem_avail_bytes', labels: { mountpoint: '/', fstype: 'ext4' }, value: 5e9 },
      { name: 'node_filesystem_avail_bytes', labels: { mountpoint: '/boot', fstype: 'ext4' }, value: 2e8 },
      { name: 'up', value: Number.NaN },
    ];
    const ctx: CheckResultContext = { metrics, samplesScraped: 4 };
    expect(one('[METRIC].node_load1 < 4', ctx)).toMatchObject({ passed: true, reason: '[METRIC].node_load1 (0.75) < 4' });
    expect(passes('[METRIC].node_filesystem_avail_bytes{mountpoint="/boot"} > 1000000000', ctx)).toBe(false);
    expect(passes('[METRIC].node_filesystem_avail_bytes{mountpoint="/"} > 1000000000', ctx)).toBe(true);
    // A label the sample lacks counts as "", as in PromQL.
    expect(passes('[METRIC].node_load1{cpu=""} == 0.75', ctx)).toBe(true);
    expect(one('[METRIC].node_filesystem_avail_bytes > 1', ctx)?.reason).toBe(
      '[METRIC].node_filesystem_avail_bytes (2 samples match; name labels that pick one) > 1',
    );
    expect(one('[METRIC].node_load5 < 4', ctx)?.reason).toBe('[METRIC].node_load5 (absent) < 4');
    expect(passes('[METRIC].up == 1', ctx)).toBe(false);
    expect(one('len([METRIC].node_filesystem_avail_bytes{fstype="ext4"}) == 2', ctx)?.passed).toBe(true);
    expect(passes('has([METRIC].node_load5) == false', ctx)).toBe(true);
    expect(passes('has([METRIC].node_load1) == true', ctx)).toBe(true);
    expect(passes('[SAMPLES] == 4', ctx)).toBe(true);
    // A failed scrape has no samples: every [METRIC] comparison fails as absent, has() is false.
    expect(one('[METRIC].node_load1 < 4', {})?.reason).toBe('[METRIC].node_load1 (absent) < 4');
    expect(passes('has([METRIC].node_load1) == false', {})).toBe(true);
  });

  it('compares every placeholder with every operator', () => {
    const ctx: CheckResultContext = {
      status: 204,
      body: 'all ok',
      responseTimeMs: 120,
      certificateExpiresInMs: 10 * 24 * HOUR,
      connected: true,
      dnsRcode: 'NXDOMAIN',
      ip: '10.0.0.1',
    };
    const truth: [string, boolean][] = [
      ['[STATUS] == 204', true],
      ['[STATUS] != 204', false],
      ['[STATUS] < 300', true],
      ['[STATUS] <= 204', true],
      ['[STATUS] > 204', false],
      ['[STATUS] >= 200', true],
      ['[STATUS] =~ "^2\\d\\d$"', true],
      ['[BODY] == all ok', true],
      ['[BODY] == "all ok"', true],
      ['[BODY] != pat(*fail*)', true],
      ['[BODY] =~ "(?i)ALL"', true],
      ['[RESPONSE_TIME] < 500', true],
      ['[RESPONSE_TIME] < 100ms', false],
      ['[RESPONSE_TIME] >= 0.12s', true],
      ['[CERTIFICATE_EXPIRATION] > 72h', true],
      ['[CERTIFICATE_EXPIRATION] > 30d', false],
      ['[CERTIFICATE_EXPIRATION] <= 10d', true],
      ['[CONNECTED] == true', true],
      ['[CONNECTED] != true', false],
      ['[DNS_RCODE] == NOERROR', false],
      ['[DNS_RCODE] == any(NOERROR, nxdomain)', true],
      ['[DNS_RCODE] != NOERROR', true],
      ['[IP] == 10.0.0.1', true],
      ['[IP] == pat(10.0.*)', true],
      ['[IP] =~ "^192\\.168\\."', false],
    ];
    for (const [condition, expected] of truth) expect(passes(condition, ctx), condition).toBe(expected);
  });

  it('reads JSON paths, len(), has(), any() and pat() on a JSON body', () => {
    const body = JSON.stringify({
      data: { ok: true, count: '7', ratio: 0.25, nothing: null },
      items: [{ name: 'web-1' }, { name: 'db-1' }],
      'odd.key': 'x',
      tags: { a: 1, b: 2 },
    });
    const truth: [string, boolean][] = [
      ['[BODY].data.ok == true', true],
      ['[BODY].data.ok != false', true],
      ['[BODY].data.count == 7', true],
      ['[BODY].data.count > 5', true],
      ['[BODY].data.ratio < 0.5', true],
      ['[BODY].data.ratio == 0.25', true],
      ['[BODY].data.nothing == null', true],
      ['[BODY].items[0].name == pat(web-*)', true],
      ['[BODY].items[1].name == pat(web-*)', false],
      ['[BODY].items[1].name == any(db-1, db-2)', true],
      ['[BODY]["odd.key"] == x', true],
      ['[BODY].items[0] == {"name":"web-1"}', true],
      ['len([BODY].items) == 2', true],
      ['len([BODY].items[0].name) == 5', true],
      ['len([BODY].tags) == 2', true],
      ['len([BODY]) > 10', true],
      ['has([BODY].errors) == false', true],
      ['has([BODY].data.nothing) == false', true],
      ['has([BODY].items[1]) == true', true],
      ['has([BODY].items[2]) == true', false],
      ['[BODY].items =~ "db-\\d"', true],
    ];
    for (const [condition, expected] of truth) expect(passes(condition, { body }), condition).toBe(expected);
    expect(one('[BODY].items[5].name == x', { body })?.reason).toBe('[BODY].items[5].name (absent) == x');
    expect(one('len([BODY].data.ok) > 0', { body })?.reason).toBe('len([BODY].data.ok) (len() of a boolean) > 0');
    expect(one('[BODY].items[0].name > 3', { body })?.reason).toBe('[BODY].items[0].name (web-1: not a number) > 3');
  });

  it('fails every comparison with an absent value, != included', () => {
    expect(one('[STATUS] != 500', {})).toEqual({ condition: '[STATUS] != 500', passed: false, reason: '[STATUS] (absent) != 500' });
    expect(passes('[BODY] != pat(*error*)', {})).toBe(false);
    expect(passes('has([BODY].x) == false', {})).toBe(true);
  });

  it('fails [BODY].x conditions on a body that is not JSON, with the reason, and never throws', () => {
    const results = run(['[STATUS] == 200', '[BODY].data.ok == true', 'has([BODY].errors) == false', 'len([BODY]) == 13'], {
      status: 200,
      body: '<html>oops</html',
    });
    expect(results.map((r) => r.passed)).toEqual([true, false, false, false]);
    expect(results[1]?.reason).toMatch(/^\[BODY\]\.data\.ok \(body is not JSON: .+\) == true$/);
    expect(results[2]?.reason).toMatch(/^has\(\[BODY\]\.errors\) \(body is not JSON/);
    expect(results[3]?.reason).toBe('len([BODY]) (16) == 13');
    expect(firstFailure(results)?.condition).toBe('[BODY].data.ok == true');
    expect(firstFailure(results.slice(0, 1))).toBeUndefined();
  });

  it('parses a 1 MB JSON body once for all its conditions, and keeps reasons short', () => {
    const items = Array.from({ length: 14_000 }, (_, i) => ({ name: `web-${i}`, ok: i % 2 === 0, pad: 'x'.repeat(40) }));
    const body = JSON.stringify({ data: { ok: true }, items });
    expect(body.length).toBeGreaterThan(1_000_000);
    const parse = vi.spyOn(JSON, 'parse');
    const results = run(
      [
        '[BODY].data.ok == true',
        'len([BODY].items) == 14000',
        '[BODY].items[13999].name == web-13999',
        'has([BODY].errors) == false',
        '[BODY] == pat(*"web-13999"*)',
        '[BODY] =~ "web-13999"',
      ],
      { body },
    );
    expect(parse).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.passed)).toEqual([true, true, true, true, true, false]);
    // The regex ran on the first 256 KiB only, and says so.
    expect(results[5]?.reason).toMatch(/\(searched the first 262144 of \d+ characters\)$/);
    for (const r of results) expect(r.reason.length).toBeLessThan(200);
    expect(results[4]?.reason).toMatch(/^\[BODY\] \(\{"data":\{"ok":true\},"items".*… \(\d+ characters\)\) == pat/);
  });

  it('bounds the work of a regular expression: a larger pattern searches a shorter prefix', () => {
    const body = `${'a'.repeat(5_000)}needle`;
    expect(run(['[BODY] =~ "needle"'], { body }, { maxRegexInput: 4_000 })[0]).toMatchObject({
      passed: false,
      reason:
        '[BODY] (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa… (5006 characters)) =~ "needle" (searched the first 4000 of 5006 characters)',
    });
    expect(run(['[BODY] =~ "needle"'], { body }, { regexWorkBudget: 7 * 5_006 })[0]?.passed).toBe(true);
    expect(run(['[BODY] =~ "needle"'], { body }, { regexWorkBudget: 7 * 5_000 })[0]?.passed).toBe(false);
    // A pattern that backtracks without end in JavaScript finishes here over the whole default bound.
    expect(run(['[BODY] =~ ".*a.*b"'], { body: 'a'.repeat(300_000) })[0]?.passed).toBe(false);
  });
});
