/*
 * Problems found in a pasted routing configuration, each at the path a user can find it by
 * (`route.routes[2].matchers[0]`), so a form or API can put the message next to the offending line.
 */

/** One problem in a configuration. */
export interface ConfigIssue {
  /** Where the problem is, in the config's own key names: `inhibit_rules[0].equal[1]`. */
  readonly path: string;
  readonly message: string;
}

/** Thrown by the config parser with every problem it found (never only the first). */
export class RoutingConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => `${issue.path || '(config)'}: ${issue.message}`).join('\n'));
    this.name = 'RoutingConfigError';
  }
}

/** Collects issues while a parser walks a config; {@link Issues.throwIfAny} ends the walk. */
export class Issues {
  readonly list: ConfigIssue[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new RoutingConfigError(this.list);
  }
}

/** `parent.key`, or `key` at the top. */
export function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** `parent[index]`. */
export function item(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** A plain object (not an array, not null), as YAML and JSON mappings parse. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports keys the schema does not know: a typo (`group_wiat`) must not silently fall back to a default. */
export function checkKeys(value: Record<string, unknown>, known: readonly string[], path: string, issues: Issues): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) issues.add(child(path, key), `unknown field "${key}"`);
  }
}

/** Reads an optional list of strings, reporting non-strings. */
export function stringList(value: unknown, path: string, issues: Issues): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list');
    return [];
  }
  const out: string[] = [];
  value.forEach((entry, index) => {
    if (typeof entry === 'string') out.push(entry);
    else if (typeof entry === 'number') out.push(String(entry));
    else issues.add(item(path, index), 'must be a string');
  });
  return out;
}
