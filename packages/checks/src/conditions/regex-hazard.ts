/**
 * Why a pattern is refused before it runs, if it is: lookarounds and backreferences (not RE2 syntax, so Prometheus
 * refuses them too), and a repeated group that itself repeats, such as `(a+)+` or `(x*)*`, which JavaScript's
 * backtracking engine can take exponential time over. Character classes and escapes are skipped.
 *
 * One guard for every user-written pattern (metric label matchers, check conditions), so a pattern accepted in one
 * place is accepted in the other. It is a cheap syntactic screen, not a proof: patterns such as `(a|aa)+` or
 * `.*a.*b` still take exponential or polynomial time on a backtracking engine, so callers also bound the input a
 * pattern runs on, or run it on a linear-time matcher.
 */
export function regexHazard(pattern: string): string | undefined {
  // Per open group: whether something inside it repeats without bound.
  const groups: boolean[] = [];
  let repeatedInside = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'backreferences are not supported (RE2 syntax)';
      i++;
    } else if (c === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (c === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return 'lookaheads and lookbehinds are not supported (RE2 syntax)';
      groups.push(repeatedInside);
      repeatedInside = false;
    } else if (c === ')') {
      const inner: boolean = repeatedInside;
      repeatedInside = (groups.pop() ?? false) || inner;
      if (inner && /^[*+]|^\{\d*,\d*\}/.test(pattern.slice(i + 1))) {
        return 'a repeated group that repeats inside, such as (a+)+, can take exponential time; write it without the nesting';
      }
    } else if (c === '*' || c === '+' || (c === '{' && /^\{\d*,\d*\}/.test(pattern.slice(i)))) repeatedInside = true;
  }
  return undefined;
}
