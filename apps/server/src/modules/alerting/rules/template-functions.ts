/*
 * The pure functions alert templates may call, printing as Prometheus' template functions do (Go's %.4g and friends),
 * so an annotation reads the same here as in Prometheus.
 */
import { formatFloatE, formatFloatG } from './go-format';

/** A value in a template pipeline. */
export type TemplateValue = string | number;

/** How Go's %v prints a value: floats shortest (`1e+06`, `0.5`). */
export function printValue(v: TemplateValue): string {
  return typeof v === 'number' ? formatFloatG(v) : v;
}

/** A template argument as a number (Prometheus accepts numbers and numeric text); throws for anything else. */
export function toFloat(v: TemplateValue): number {
  if (typeof v === 'number') return v;
  const t = v.trim();
  const n = /^[-+]?inf$/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(t) ? NaN : Number(t);
  if (t === '' || (Number.isNaN(n) && !/^nan$/i.test(t))) throw new Error(`strconv.ParseFloat: parsing "${v}": invalid syntax`);
  return n;
}

const g4 = (v: number) => formatFloatG(v, 4);

/** 1234567 → "1.235M", 0.0012 → "1.2m": SI prefixes, 4 significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${g4(v)}${prefix}`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}`;
}

/** 2048 → "2ki": binary prefixes, 4 significant digits. */
export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return `${g4(v)}${prefix}`;
}

/** Seconds → "1d 2h 3m 4s", "1m 30s", "1.5s", "12ms". */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const whole = Math.trunc(abs);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86_400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(abs)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** 0.1234 → "12.34%". */
export function humanizePercentage(v: number): string {
  return `${g4(v * 100)}%`;
}

/** Go's fmt.Sprintf for the verbs templates use: %s %v %d %f %g %e %q %%, with width and precision. */
export function goPrintf(format: string, args: TemplateValue[]): string {
  let next = 0;
  return format.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d*))?([a-zA-Z%])/g,
    (_, flags: string, width: string, precText: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[next++] as TemplateValue;
      const precision = precText === undefined ? undefined : Number(precText || '0');
      let out: string;
      switch (verb) {
        case 's':
        case 'v':
          out = printValue(arg);
          if (precision !== undefined && verb === 's') out = out.slice(0, precision);
          break;
        case 'q':
          out = JSON.stringify(printValue(arg));
          break;
        case 'd':
          out =
            typeof arg === 'number' && Number.isInteger(arg)
              ? String(arg)
              : `%!d(${typeof arg === 'number' ? 'float64' : 'string'}=${printValue(arg)})`;
          break;
        case 'f':
        case 'F':
          out = typeof arg === 'number' ? (Number.isFinite(arg) ? arg.toFixed(precision ?? 6) : formatFloatG(arg)) : `%!f(string=${arg})`;
          break;
        case 'g':
          out = typeof arg === 'number' ? formatFloatG(arg, precision) : `%!g(string=${arg})`;
          break;
        case 'e':
          out = typeof arg === 'number' ? (Number.isFinite(arg) ? goExp(arg, precision ?? 6) : formatFloatE(arg)) : `%!e(string=${arg})`;
          break;
        default:
          out = `%!${verb}(${printValue(arg)})`;
      }
      if (flags.includes('+') && typeof arg === 'number' && arg >= 0 && 'dfFge'.includes(verb)) out = `+${out}`;
      const w = Number(width || '0');
      if (out.length < w) {
        const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(w - out.length);
        out = flags.includes('-') ? out + pad : pad === '' || pad[0] === ' ' ? pad + out : out.replace(/^([+-]?)/, `$1${pad}`);
      }
      return out;
    },
  );
}

function goExp(v: number, precision: number): string {
  const [mant = '', exp = '0'] = v.toExponential(precision).split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
