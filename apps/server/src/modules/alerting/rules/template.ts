/*
 * Alert label and annotation templates: the part of Go's text/template that Prometheus' documentation shows for
 * rules — `{{ $labels.instance }}`, `{{ $value | humanize }}`, `{{ printf "%.2f" $value }}`, `{{ $externalLabels.x }}`
 * — parsed once when a rule is loaded and expanded per alert. There is no control flow and no code execution: an
 * action is a pipeline of values and a fixed set of pure functions. Anything else is refused when the rule is
 * loaded, so a rule file that loads here expands the same way it does in Prometheus.
 */
import {
  goPrintf,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  printValue,
  type TemplateValue,
  toFloat,
} from './template-functions';

/** What a template sees: the alert's series labels, its value, and the generator's external labels and URL. */
export interface TemplateData {
  labels: Readonly<Record<string, string>>;
  value: number;
  externalLabels?: Readonly<Record<string, string>>;
  externalUrl?: string;
}

/** A template that does not parse; the message is the reason, as the rule's validation error shows it. */
export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

type Operand =
  | { kind: 'literal'; value: TemplateValue }
  | { kind: 'data'; root: 'labels' | 'value' | 'externalLabels' | 'externalUrl'; key?: string }
  | { kind: 'call'; fn: string; args: Operand[] };
type Part = { kind: 'text'; text: string } | { kind: 'pipeline'; commands: Operand[] };

/** A parsed template: expand it per alert. */
export interface CompiledTemplate {
  readonly source: string;
  /** The expanded text; an error while expanding (humanize of a non-number, …) yields Prometheus' `<error expanding template: …>`. */
  expand(data: TemplateData): string;
}

type Fn = (...args: TemplateValue[]) => TemplateValue;
const asText = (v: TemplateValue) => (typeof v === 'string' ? v : printValue(v));
const FUNCTIONS: Readonly<Record<string, Fn>> = {
  humanize: (v) => humanize(toFloat(v)),
  humanize1024: (v) => humanize1024(toFloat(v)),
  humanizeDuration: (v) => humanizeDuration(toFloat(v)),
  humanizePercentage: (v) => humanizePercentage(toFloat(v)),
  toUpper: (v) => asText(v).toUpperCase(),
  toLower: (v) => asText(v).toLowerCase(),
  title: (v) => asText(v).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_, pre: string, c: string) => pre + c.toUpperCase()),
  printf: (format, ...args) => goPrintf(asText(format), args),
  reReplaceAll: (pattern, replacement, text) => asText(text).replace(new RegExp(asText(pattern), 'gu'), asText(replacement)),
  // Console-template and UI helpers the specification lets a generator leave out: accepted, and empty.
  graphLink: () => '',
  tableLink: () => '',
  pathPrefix: () => '',
  safeHtml: (v) => asText(v),
  strvalue: () => '',
};
const DATA_ROOTS: Readonly<Record<string, 'labels' | 'value' | 'externalLabels' | 'externalUrl'>> = {
  $labels: 'labels',
  '.Labels': 'labels',
  $value: 'value',
  '.Value': 'value',
  $externalLabels: 'externalLabels',
  '.ExternalLabels': 'externalLabels',
  $externalURL: 'externalUrl',
  '.ExternalURL': 'externalUrl',
};
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

/** Parses a template; throws TemplateSyntaxError naming what it refuses. */
export function compileTemplate(source: string): CompiledTemplate {
  const parts = parseParts(source);
  return {
    source,
    expand(data) {
      try {
        return parts.map((p) => (p.kind === 'text' ? p.text : asText(runPipeline(p.commands, data)))).join('');
      } catch (e) {
        return `<error expanding template: ${(e as Error).message}>`;
      }
    },
  };
}

function parseParts(source: string): Part[] {
  const parts: Part[] = [];
  let rest = source;
  let trimNext = false;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    let text = open < 0 ? rest : rest.slice(0, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      parts.push({ kind: 'text', text });
      break;
    }
    let body = rest.slice(open + 2);
    if (/^- /.test(body)) {
      text = text.replace(/\s+$/, '');
      body = body.slice(2);
    }
    parts.push({ kind: 'text', text });
    const close = body.indexOf('}}');
    if (close < 0) throw new TemplateSyntaxError('unclosed action');
    let action = body.slice(0, close);
    trimNext = / -$/.test(action);
    if (trimNext) action = action.slice(0, -2);
    rest = body.slice(close + 2);
    const trimmed = action.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) throw new TemplateSyntaxError('unclosed comment');
      continue;
    }
    parts.push({ kind: 'pipeline', commands: parsePipeline(trimmed) });
  }
  return parts;
}

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|[|()]|:?=|[^\s|()"`]+)/gy;

function parsePipeline(action: string): Operand[] {
  if (action === '') throw new TemplateSyntaxError('missing value for command');
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null = TOKEN.exec(action);
  while (m) {
    tokens.push(m[1] as string);
    if (TOKEN.lastIndex >= action.length) break;
    m = TOKEN.exec(action);
  }
  if (tokens.join('').replace(/\s/g, '') !== action.replace(/\s/g, '')) throw new TemplateSyntaxError(`cannot read action "${action}"`);
  const first = tokens[0] as string;
  if (KEYWORDS.has(first)) throw new TemplateSyntaxError(`"${first}" actions are not supported in alert templates`);
  if (tokens.includes(':=') || tokens.includes('='))
    throw new TemplateSyntaxError('template variables cannot be declared in alert templates');
  if (tokens.includes('(') || tokens.includes(')'))
    throw new TemplateSyntaxError('parenthesised pipelines are not supported in alert templates');
  const commands: Operand[] = [];
  let current: string[] = [];
  for (const t of [...tokens, '|']) {
    if (t !== '|') {
      current.push(t);
      continue;
    }
    if (current.length === 0) throw new TemplateSyntaxError('missing command in pipeline');
    commands.push(parseCommand(current, commands.length > 0));
    current = [];
  }
  return commands;
}

function parseCommand(words: string[], piped: boolean): Operand {
  const [head, ...rest] = words as [string, ...string[]];
  if (FUNCTIONS[head] || head === 'index') return { kind: 'call', fn: head, args: rest.map(parseOperand) };
  if (/^[A-Za-z_]\w*$/.test(head)) throw new TemplateSyntaxError(`function "${head}" not defined`);
  if (rest.length > 0 || piped) throw new TemplateSyntaxError(`can't give argument to non-function ${head}`);
  return parseOperand(head);
}

function parseOperand(word: string): Operand {
  if (word.startsWith('"')) return { kind: 'literal', value: JSON.parse(word) as string };
  if (word.startsWith('`')) return { kind: 'literal', value: word.slice(1, -1) };
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(word)) return { kind: 'literal', value: Number(word) };
  const dot = word.indexOf('.', word.startsWith('.') ? 1 : 0);
  const rootName = dot < 0 ? word : word.slice(0, dot);
  const root = DATA_ROOTS[rootName];
  if (!root) {
    if (FUNCTIONS[word]) return { kind: 'call', fn: word, args: [] };
    throw new TemplateSyntaxError(`undefined variable or field "${word}"`);
  }
  if (dot < 0) return { kind: 'data', root };
  if (root === 'value' || root === 'externalUrl') throw new TemplateSyntaxError(`${rootName} has no fields`);
  return { kind: 'data', root, key: word.slice(dot + 1) };
}

function runPipeline(commands: Operand[], data: TemplateData): TemplateValue {
  let previous: TemplateValue | undefined;
  for (const command of commands) {
    previous = evaluate(command, data, previous);
  }
  return previous as TemplateValue;
}

function evaluate(op: Operand, data: TemplateData, piped?: TemplateValue): TemplateValue {
  switch (op.kind) {
    case 'literal':
      return op.value;
    case 'data': {
      if (op.root === 'value') return data.value;
      if (op.root === 'externalUrl') return data.externalUrl ?? '';
      const map = op.root === 'labels' ? data.labels : (data.externalLabels ?? {});
      // Prometheus expands with missingkey=zero: an absent label is the empty string.
      if (op.key !== undefined) return map[op.key] ?? '';
      return `map[${Object.keys(map)
        .sort()
        .map((k) => `${k}:${map[k]}`)
        .join(' ')}]`;
    }
    case 'call': {
      const args = op.args.map((a) => evaluate(a, data));
      if (piped !== undefined) args.push(piped);
      if (op.fn === 'index') return indexOf(op.args, args, data);
      return (FUNCTIONS[op.fn] as Fn)(...args);
    }
  }
}

/** `index $labels "name"`: a label by a name that is not a valid field name. */
function indexOf(ops: Operand[], args: TemplateValue[], data: TemplateData): TemplateValue {
  const target = ops[0];
  if (target?.kind !== 'data' || target.key !== undefined || (target.root !== 'labels' && target.root !== 'externalLabels')) {
    throw new Error('index of a non-map');
  }
  const map = target.root === 'labels' ? data.labels : (data.externalLabels ?? {});
  return map[asText(args[1] ?? '')] ?? '';
}

/** Checks every template of a rule; answers the first syntax error's message, or undefined. */
export function templateError(source: string): string | undefined {
  try {
    compileTemplate(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
