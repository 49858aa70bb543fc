/**
 * A `pat(…)` pattern as Gatus has them: `*` stands for any run of characters (newlines too) and everything else for
 * itself; the whole value must match. Matching splits the pattern at its stars and finds each piece with indexOf,
 * leftmost first — which is exact for star-only globs and costs about one scan of the value, however large a body
 * it is handed (no backtracking over the value).
 */
export interface GlobPattern {
  readonly source: string;
  test(value: string): boolean;
}

/** Compiles a star-only glob; any text is a valid pattern. */
export function compileGlob(source: string): GlobPattern {
  const pieces = source.split('*');
  const head = pieces[0] as string;
  if (pieces.length === 1) return { source, test: (value) => value === head };
  const tail = pieces[pieces.length - 1] as string;
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return {
    source,
    test(value) {
      if (value.length < head.length + tail.length || !value.startsWith(head) || !value.endsWith(tail)) return false;
      // The middle pieces must appear in order between the head and the tail, without overlapping either.
      let from = head.length;
      const end = value.length - tail.length;
      for (const piece of middle) {
        const at = value.indexOf(piece, from);
        if (at < 0 || at + piece.length > end) return false;
        from = at + piece.length;
      }
      return true;
    },
  };
}
