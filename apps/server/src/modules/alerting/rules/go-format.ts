/*
 * The few Go formatting rules Prometheus' rule output depends on (durations: ../prometheus-duration.ts): how
 * Go prints floats in templates (%v, %.4g) and in the API (strconv 'e'). Rule files and promtool expectations are
 * written against these exact strings.
 */

/** Splits a finite non-zero |v| into decimal digits and exponent, rounded to `precision` digits (shortest when undefined). */
function decimal(v: number, precision?: number): { digits: string; exp: number } {
  const [mantissa = '', exp = '0'] = Math.abs(v)
    .toExponential(precision === undefined ? undefined : precision - 1)
    .split('e');
  return { digits: mantissa.replace('.', '').replace(/0+$/, '') || '0', exp: Number(exp) };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

function exponentForm(sign: string, digits: string, exp: number): string {
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e}`;
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64): "1e+00", "1.5e+01" (the API's alert `value`). */
export function formatFloatE(v: number): string {
  const s = special(v);
  if (s) return s;
  if (v === 0) return Object.is(v, -0) ? '-0e+00' : '0e+00';
  const { digits, exp } = decimal(v);
  return exponentForm(v < 0 ? '-' : '', digits, exp);
}

/** Go's %g with `precision` significant digits (shortest when undefined, as %v prints a float64). */
export function formatFloatG(v: number, precision?: number): string {
  const s = special(v);
  if (s) return s;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exp } = decimal(v, precision);
  // Go switches to the exponent form below 1e-4 and at or past the precision (6 for the shortest form).
  const limit = precision ?? 6;
  if (exp < -4 || exp >= limit) return exponentForm(sign, digits, exp);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
