/**
 * Parses what a Prometheus target serves: the text exposition format 0.0.4 and OpenMetrics 1.0 (chosen by the
 * response's Content-Type), including quoted UTF-8 metric and label names (`{"my.metric", "a.b"="x"}`). A scrape is
 * all or nothing, as in Prometheus: the first malformed line fails it with its line number and what was expected.
 *
 * Timestamps come back in milliseconds: 0.0.4 writes integer milliseconds, OpenMetrics seconds with a fraction.
 * OpenMetrics exemplars (`# {trace_id="…"} 1.0`) are read past and not kept.
 */

export type ExpositionFormat = 'prometheus-text' | 'openmetrics';
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown' | 'untyped';

export interface ExpositionSample {
  /** The sample's metric name (for a histogram, `x_bucket` etc.). */
  name: string;
  labels: Array<[name: string, value: string]>;
  value: number;
  timestampMs?: number;
}

export interface ExpositionFamily {
  type: FamilyType;
  help?: string;
  unit?: string;
}

export interface Exposition {
  format: ExpositionFormat;
  families: Map<string, ExpositionFamily>;
  samples: ExpositionSample[];
}

export class ExpositionError extends Error {
  override name = 'ExpositionError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** The format a Content-Type names; anything that is not OpenMetrics is read as the 0.0.4 text format. */
export function expositionFormatOf(contentType: string | undefined): ExpositionFormat {
  return /application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'prometheus-text';
}

const TYPES_TEXT = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const TYPES_OM = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);
const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;

/** Parses one scrape body. Throws ExpositionError on the first malformed line. */
export function parseExposition(text: string, format: ExpositionFormat = 'prometheus-text'): Exposition {
  const om = format === 'openmetrics';
  const families = new Map<string, ExpositionFamily>();
  const samples: ExpositionSample[] = [];
  const lines = text.split('\n');
  let sawEof = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i] as string;
    if (!om && line.endsWith('\r')) line = line.slice(0, -1);
    if (sawEof) {
      if (line === '' && i === lines.length - 1) continue;
      throw new ExpositionError(lineNo, 'content after # EOF');
    }
    if (om && line === '# EOF') {
      sawEof = true;
      continue;
    }
    if (line.trim() === '') {
      if (om && i !== lines.length - 1) throw new ExpositionError(lineNo, 'empty line (OpenMetrics allows none)');
      continue;
    }
    if (line.trimStart().startsWith('#')) {
      parseComment(line, lineNo, om, families);
      continue;
    }
    samples.push(parseSample(line, lineNo, om));
  }
  if (om && !sawEof) throw new ExpositionError(lines.length, 'missing # EOF at the end (OpenMetrics)');
  return { format, families, samples };
}

function parseComment(line: string, lineNo: number, om: boolean, families: Map<string, ExpositionFamily>): void {
  const m = /^[ \t]*#[ \t]+(HELP|TYPE|UNIT)[ \t]+/.exec(line);
  if (!m) {
    if (om) throw new ExpositionError(lineNo, 'OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF comments');
    return; // a plain comment
  }
  const cursor = new Cursor(line, lineNo, m[0].length);
  const name = cursor.peek() === '"' ? cursor.quoted() : cursor.metricName();
  const family = families.get(name) ?? { type: om ? 'unknown' : 'untyped' };
  const rest = cursor.rest().replace(/^[ \t]+/, '');
  const keyword = m[1];
  if (keyword === 'TYPE') {
    const type = rest.trim();
    if (!(om ? TYPES_OM : TYPES_TEXT).has(type)) throw new ExpositionError(lineNo, `unknown metric type "${type}"`);
    family.type = type as FamilyType;
  } else if (keyword === 'HELP') {
    family.help = unescapeText(rest, lineNo, om ? ['\\', '"', 'n'] : ['\\', 'n']);
  } else {
    if (!om) return; // UNIT is OpenMetrics only; 0.0.4 treats it as a comment
    family.unit = rest;
  }
  families.set(name, family);
}

function unescapeText(text: string, lineNo: number, allowed: string[]): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === undefined || !allowed.includes(next)) throw new ExpositionError(lineNo, `invalid escape "\\${next ?? ''}"`);
    out += next === 'n' ? '\n' : next;
  }
  return out;
}

function parseSample(line: string, lineNo: number, om: boolean): ExpositionSample {
  const cursor = new Cursor(line, lineNo, 0);
  cursor.skipSpaces();
  let name: string | undefined;
  const labels: Array<[string, string]> = [];
  if (cursor.peek() === '{') {
    // A quoted metric name lives inside the braces: {"my.metric", label="v"}.
    cursor.expect('{');
    name = cursor.quoted();
    cursor.skipSpaces();
    if (cursor.peek() === ',') {
      cursor.expect(',');
      cursor.labels(labels);
    } else cursor.expect('}');
  } else {
    name = cursor.metricName();
    if (cursor.peek() === '{') {
      cursor.expect('{');
      cursor.labels(labels);
    }
  }
  const seen = new Set<string>();
  for (const [label] of labels) {
    if (seen.has(label)) throw new ExpositionError(lineNo, `label "${label}" appears twice`);
    seen.add(label);
  }
  cursor.spaces();
  const value = parseNumber(cursor.token(), lineNo, 'value');
  let timestampMs: number | undefined;
  cursor.skipSpaces();
  if (!cursor.atEnd() && cursor.peek() !== '#') {
    const raw = cursor.token();
    if (om) {
      const seconds = parseNumber(raw, lineNo, 'timestamp');
      if (!Number.isFinite(seconds)) throw new ExpositionError(lineNo, `timestamp "${raw}" is not finite`);
      timestampMs = Math.round(seconds * 1000);
    } else {
      if (!/^-?\d+$/.test(raw)) throw new ExpositionError(lineNo, `timestamp "${raw}" is not integer milliseconds`);
      timestampMs = Number(raw);
    }
    cursor.skipSpaces();
  }
  if (!cursor.atEnd()) {
    // OpenMetrics exemplar: " # {labels} value [timestamp]" — checked for shape, then dropped.
    if (om && cursor.rest().startsWith('# {')) return { name, labels, value, ...(timestampMs === undefined ? {} : { timestampMs }) };
    throw new ExpositionError(lineNo, `unexpected "${cursor.rest()}" after the sample`);
  }
  return { name, labels, value, ...(timestampMs === undefined ? {} : { timestampMs }) };
}

function parseNumber(raw: string, lineNo: number, what: string): number {
  // NaN and infinities in any case, as Go's strconv.ParseFloat reads them (prom-client writes "Nan").
  switch (raw.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return Number.NaN;
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(raw)) {
    throw new ExpositionError(lineNo, `${what} "${raw}" is not a number`);
  }
  return Number(raw);
}

/** A position in one line, with the little grammar a sample line needs. */
class Cursor {
  constructor(
    private readonly line: string,
    private readonly lineNo: number,
    private pos: number,
  ) {}

  peek(): string | undefined {
    return this.line[this.pos];
  }

  atEnd(): boolean {
    return this.pos >= this.line.length;
  }

  rest(): string {
    return this.line.slice(this.pos);
  }

  fail(message: string): never {
    throw new ExpositionError(this.lineNo, `${message} at column ${this.pos + 1}`);
  }

  expect(c: string): void {
    if (this.line[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  skipSpaces(): void {
    while (this.line[this.pos] === ' ' || this.line[this.pos] === '\t') this.pos++;
  }

  /** At least one space, then any more. */
  spaces(): void {
    if (this.line[this.pos] !== ' ' && this.line[this.pos] !== '\t') this.fail('expected a space');
    this.skipSpaces();
  }

  token(): string {
    const start = this.pos;
    while (this.pos < this.line.length && this.line[this.pos] !== ' ' && this.line[this.pos] !== '\t') this.pos++;
    if (start === this.pos) this.fail('expected a value');
    return this.line.slice(start, this.pos);
  }

  metricName(): string {
    const start = this.pos;
    if (!NAME_START.test(this.line[this.pos] ?? '')) this.fail('expected a metric name');
    this.pos++;
    while (NAME_CHAR.test(this.line[this.pos] ?? '')) this.pos++;
    return this.line.slice(start, this.pos);
  }

  labelName(): string {
    if (this.peek() === '"') return this.quoted();
    const start = this.pos;
    if (!/[a-zA-Z_]/.test(this.line[this.pos] ?? '')) this.fail('expected a label name');
    this.pos++;
    while (/[a-zA-Z0-9_]/.test(this.line[this.pos] ?? '')) this.pos++;
    return this.line.slice(start, this.pos);
  }

  /** A double-quoted string with \\, \" and \n escapes. */
  quoted(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      const c = this.line[this.pos++];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.line[this.pos++];
        if (next === '\\' || next === '"') out += next;
        else if (next === 'n') out += '\n';
        else this.fail(`invalid escape "\\${next ?? ''}"`);
      } else out += c;
    }
  }

  /** Label pairs up to and including the closing brace; a trailing comma is allowed. */
  labels(into: Array<[string, string]>): void {
    for (;;) {
      this.skipSpaces();
      if (this.peek() === '}') {
        this.pos++;
        return;
      }
      const name = this.labelName();
      this.skipSpaces();
      this.expect('=');
      this.skipSpaces();
      into.push([name, this.quoted()]);
      this.skipSpaces();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail('expected "," or "}"');
    }
  }
}
