/**
 * A count with its noun in the number it needs, for sentences people read: `plural(1, 'row')` is "1 row",
 * `plural(3, 'address', 'addresses')` is "3 addresses"; zero takes the plural ("0 rows").
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
