import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, parseCondition, parseConditions } from './condition-parser';
import { PLACEHOLDERS, type PlaceholderName } from './placeholders';

const EVERY = Object.keys(PLACEHOLDERS) as PlaceholderName[];
const HTTP: PlaceholderName[] = ['STATUS', 'BODY', 'RESPONSE_TIME', 'CERTIFICATE_EXPIRATION', 'CONNECTED', 'IP'];
const parse = (source: string, allowed = EVERY) => parseCondition(source, { allowedPlaceholders: allowed });

/** The error a condition gets, as { column (1-based), expected, found }. */
function refusal(source: string, allowed = EVERY) {
  try {
    parse(source, allowed);
  } catch (err) {
    expect(err).toBeInstanceOf(ConditionSyntaxError);
    const e = err as ConditionSyntaxError;
    expect(e.message).toContain(`column ${e.offset + 1} of ${JSON.stringify(source)}`);
    return { column: e.offset + 1, expected: e.expected, found: e.found };
  }
  throw new Error(`${source} was accepted`);
}

describe('parsing conditions', () => {
  it('reads every placeholder, with its kind', () => {
    expect(parse('[STATUS] == 200').subject).toMatchObject({ fn: 'value', ref: { name: 'STATUS', path: [] }, kind: 'number' });
    expect(parse('[BODY] == ok').subject.kind).toBe('text');
    expect(parse('[RESPONSE_TIME] < 500').subject.kind).toBe('duration');
    expect(parse('[CERTIFICATE_EXPIRATION] > 72h').subject.kind).toBe('duration');
    expect(parse('[CONNECTED] == true').subject.kind).toBe('boolean');
    expect(parse('[DNS_RCODE] == NOERROR').subject.kind).toBe('rcode');
    expect(parse('[IP] == 10.0.0.1').expected).toMatchObject({ kind: 'value', value: { text: '10.0.0.1', quoted: false } });
  });

  it('reads every operator', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) expect(parse(`[STATUS] ${op} 300`).operator).toBe(op);
    expect(parse('[BODY] =~ "ok"').operator).toBe('=~');
    // Spaces around the operator are optional.
    expect(parse('[STATUS]<=299').operator).toBe('<=');
  });

  it('reads JSON paths with keys, indexes and quoted keys', () => {
    expect(parse('[BODY].data.ok == true').subject).toMatchObject({ kind: 'json', ref: { path: ['data', 'ok'] } });
    expect(parse('[BODY].items[0].name == pat(web-*)').subject.ref.path).toEqual(['items', 0, 'name']);
    expect(parse('[BODY][2]["a.b"].c-d == x').subject.ref.path).toEqual([2, 'a.b', 'c-d']);
    expect(parse('[BODY].items[0].name == pat(web-*)').subject.text).toBe('[BODY].items[0].name');
  });

  it('reads len(), has(), any() and pat()', () => {
    expect(parse('len([BODY].items) > 0').subject).toMatchObject({ fn: 'len', kind: 'number', text: 'len([BODY].items)' });
    expect(parse('has( [BODY].errors ) == false').subject).toMatchObject({ fn: 'has', kind: 'boolean' });
    const any = parse('[STATUS] == any(200, 204 ,"301")').expected;
    expect(any.kind === 'any' && any.values.map((v) => v.number)).toEqual([200, 204, 301]);
    expect(any.text).toBe('any(200, 204 ,"301")');
    const pat = parse('[BODY] == pat(*all (2) ok*)').expected;
    expect(pat.kind === 'pattern' && pat.glob.test('we are all (2) ok here')).toBe(true);
    const quotedPat = parse('[BODY] != pat("*)*")').expected;
    expect(quotedPat.kind === 'pattern' && quotedPat.glob.source).toBe('*)*');
  });

  it('reads durations as milliseconds and bare numbers as milliseconds for duration placeholders', () => {
    const ms = (source: string) => {
      const e = parse(source).expected;
      return e.kind === 'value' ? e.value.number : undefined;
    };
    expect(ms('[RESPONSE_TIME] < 500')).toBe(500);
    expect(ms('[RESPONSE_TIME] < 500ms')).toBe(500);
    expect(ms('[RESPONSE_TIME] < 1.5s')).toBe(1500);
    expect(ms('[CERTIFICATE_EXPIRATION] > 2m')).toBe(120_000);
    expect(ms('[CERTIFICATE_EXPIRATION] > 72h')).toBe(259_200_000);
    expect(ms('[CERTIFICATE_EXPIRATION] > 7d')).toBe(604_800_000);
    expect(ms('[CERTIFICATE_EXPIRATION] > 1h30m')).toBe(5_400_000);
    expect(ms('[BODY].uptime > 2h')).toBe(7_200_000);
  });

  it('keeps quoted values and regular expressions as written', () => {
    const quoted = parse('[BODY].name == "John \\"JJ\\" Smith \\\\ x"').expected;
    expect(quoted.kind === 'value' && quoted.value).toEqual({ text: 'John "JJ" Smith \\ x', quoted: true });
    const bare = parse('[BODY].name == John Smith  ').expected;
    expect(bare.kind === 'value' && bare.value.text).toBe('John Smith');
    const regex = parse('[BODY] =~ "\\"ok\\":\\s*true"').expected;
    expect(regex.kind === 'regex' && regex.regex.source).toBe('\\"ok\\":\\s*true');
    expect(regex.kind === 'regex' && regex.regex.test('{"ok": true}')).toBe(true);
    expect(parse('[DNS_RCODE] == nxdomain').expected).toMatchObject({ value: { text: 'NXDOMAIN' } });
  });

  it('names the column, what was expected and what was found', () => {
    expect(refusal('[STATUS] = 200')).toEqual({ column: 10, expected: expect.stringContaining('an operator'), found: '"="' });
    expect(refusal('[STATUS == 200')).toMatchObject({ column: 8, expected: '"]" closing the placeholder [STATUS' });
    expect(refusal('STATUS == 200')).toMatchObject({ column: 1, expected: expect.stringContaining('a placeholder'), found: '"STATUS"' });
    expect(refusal('[FOO] == 1')).toMatchObject({ column: 1, found: '"[FOO]"' });
    expect(refusal('[status] == 1')).toMatchObject({ column: 1, found: '"[status]"' });
    expect(refusal('[STATUS] == abc')).toEqual({ column: 13, expected: 'a number for [STATUS]', found: '"abc"' });
    expect(refusal('[STATUS] == any(200, x)')).toMatchObject({ column: 22, expected: 'a number for [STATUS]', found: '"x"' });
    expect(refusal('[STATUS] == any(200 204)')).toMatchObject({ column: 17, expected: 'a number for [STATUS]' });
    expect(refusal('[STATUS] == any(200,')).toMatchObject({ column: 21, expected: 'a value' });
    expect(refusal('[STATUS] ==')).toMatchObject({ column: 12, expected: 'a value', found: 'the end of the condition' });
    expect(refusal('[STATUS] < any(1,2)')).toMatchObject({ column: 10, expected: '== or != before any(…)' });
    expect(refusal('[STATUS] == foo(1)')).toMatchObject({ column: 13, expected: 'a value, any(…) or pat(…)', found: 'foo(…)' });
    expect(refusal('foo([BODY]) == 1')).toMatchObject({ column: 1, found: 'foo(…)' });
    expect(refusal('len([BODY] > 1')).toMatchObject({ column: 12, expected: '")" closing len(' });
    expect(refusal('[STATUS].x == 1')).toMatchObject({ column: 9, expected: expect.stringContaining('only [BODY] takes a JSON path') });
    expect(refusal('[BODY].items[x] == 1')).toMatchObject({ column: 14 });
    expect(refusal('[BODY]. == 1')).toMatchObject({ column: 8, expected: 'a key after "."' });
    expect(refusal('[BODY] == "abc')).toMatchObject({ column: 11, expected: 'a closing quote for the string opened' });
    expect(refusal('[BODY] == "abc" x')).toMatchObject({ column: 17, expected: 'the end of the condition', found: '"x"' });
    expect(refusal('[BODY] == pat(web-*')).toMatchObject({ column: 20, expected: '")" closing pat(' });
    expect(refusal('[RESPONSE_TIME] < 5x')).toMatchObject({ column: 19, expected: expect.stringContaining('a duration') });
    expect(refusal('[CONNECTED] < 1')).toMatchObject({ column: 13, expected: expect.stringContaining('== or !=') });
    expect(refusal('[CONNECTED] == yes')).toMatchObject({ column: 16, expected: 'true or false for [CONNECTED]' });
    expect(refusal('[CONNECTED] == pat(t*)')).toMatchObject({ column: 16, expected: 'true or false' });
    expect(refusal('has([BODY].x) =~ "t"')).toMatchObject({ column: 15 });
    expect(refusal('[DNS_RCODE] == NOPE')).toMatchObject({ column: 16, expected: expect.stringContaining('DNS response code') });
    expect(refusal('[DNS_RCODE] > NOERROR')).toMatchObject({ column: 13 });
    expect(refusal('[BODY].count > many')).toMatchObject({ column: 16, expected: 'a number after >' });
    expect(refusal('[BODY] =~ ""')).toMatchObject({ column: 11, expected: 'a regular expression' });
  });

  it('reads a [METRIC] selector: a metric name and label equalities, compared as a number', () => {
    expect(parse('[METRIC].node_load1 < 4').subject).toMatchObject({
      fn: 'value',
      kind: 'number',
      ref: { name: 'METRIC', path: [], selector: { metric: 'node_load1', labels: [] } },
      text: '[METRIC].node_load1',
    });
    const labelled = parse('[METRIC].node_filesystem_avail_bytes{ mountpoint = "/", fstype="ext\\"4\\"" , } >= 1000');
    expect(labelled.subject.ref.selector).toEqual({
      metric: 'node_filesystem_avail_bytes',
      labels: [
        ['mountpoint', '/'],
        ['fstype', 'ext"4"'],
      ],
    });
    expect(labelled.subject.text).toBe('[METRIC].node_filesystem_avail_bytes{ mountpoint = "/", fstype="ext\\"4\\"" , }');
    expect(parse('len([METRIC].node_cpu_seconds_total{mode="idle"}) > 0').subject).toMatchObject({ fn: 'len', kind: 'number' });
    expect(parse('has([METRIC].up) == true').subject.ref.selector?.metric).toBe('up');
    expect(parse('[SAMPLES] > 100').subject.kind).toBe('number');
  });

  it('names what is wrong in a [METRIC] selector', () => {
    expect(refusal('[METRIC] < 4')).toMatchObject({ column: 9, expected: expect.stringContaining('[METRIC].node_load1') });
    expect(refusal('[METRIC].1x < 4')).toMatchObject({ column: 10, expected: 'a metric name such as node_load1' });
    expect(refusal('[METRIC].up{job!="x"} == 1')).toMatchObject({ column: 16, expected: expect.stringContaining('equality only') });
    expect(refusal('[METRIC].up{job=x} == 1')).toMatchObject({ column: 17, expected: 'a quoted value for the label job' });
    expect(refusal('[METRIC].up{job="x" a="b"} == 1')).toMatchObject({ column: 21, expected: '"," or "}" in the label selector' });
    expect(refusal('[METRIC].up{job="x"} == up')).toMatchObject({ column: 25, expected: 'a number for [METRIC].up{job="x"}' });
  });

  it('refuses a catastrophic or invalid regular expression when the check is saved, pointing into the pattern', () => {
    const hazard = refusal('[BODY] =~ "(a+)+$"');
    expect(hazard).toMatchObject({ column: 12, found: '"(a+)+$"' });
    expect(hazard.expected).toMatch(/safe to run .*exponential/);
    expect(refusal('[BODY] =~ "x(?=y)"').expected).toMatch(/lookahead/);
    expect(refusal('[BODY] =~ "(a)\\1"').expected).toMatch(/backreference/);
    expect(refusal('[BODY] =~ "ab(c"')).toMatchObject({ column: 14, expected: expect.stringContaining('missing )') });
    expect(refusal('[BODY] =~ a[b')).toMatchObject({ column: 12, expected: expect.stringContaining('missing ]') });
  });

  it('refuses placeholders the check type does not offer, naming those it does', () => {
    const r = refusal('[DNS_RCODE] == NOERROR', HTTP);
    expect(r).toMatchObject({ column: 1, found: '"[DNS_RCODE]"' });
    expect(r.expected).toContain('[STATUS], [BODY], [RESPONSE_TIME]');
    expect(refusal('len([DNS_RCODE]) > 1', ['BODY'])).toMatchObject({ column: 5 });
  });

  it('parses a list all or nothing, naming the bad condition', () => {
    expect(parseConditions(['[STATUS] == 200', 'len([BODY]) > 0'], { allowedPlaceholders: EVERY })).toHaveLength(2);
    try {
      parseConditions(['[STATUS] == 200', '[STATUS] == ok'], { allowedPlaceholders: EVERY });
      expect.unreachable();
    } catch (err) {
      expect((err as ConditionSyntaxError).index).toBe(1);
      expect((err as Error).message).toBe('condition 2: column 13 of "[STATUS] == ok": expected a number for [STATUS], found "ok"');
    }
  });
});
