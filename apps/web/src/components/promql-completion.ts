import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { type CompleteStrategy, LanguageType, newCompleteStrategy, promQLLanguage } from '@prometheus-io/codemirror-promql';

/*
 * PromQL completion for every editor in the UI: functions, aggregations and keywords from Prometheus' own PromQL
 * package, and metric names, label names and label values asked of Estate's own Prometheus API (/api/v1/labels,
 * /series, /metadata). The explorer's editor uses it as its whole language; the alert rule editor only inside the
 * PromQL it embeds in YAML (`completeEmbeddedPromql`).
 */

/** How long the completion client keeps label names and values before asking the server again. */
const COMPLETION_CACHE_MS = 60_000;

/**
 * A new PromQL completion strategy backed by Estate's API. It uses GET, which a cookie session may send without a
 * CSRF token, and keeps answers for a minute. Its owner calls `destroy()` when the editor goes.
 */
export function promqlCompletion(): CompleteStrategy {
  return newCompleteStrategy({ remote: { url: '', httpMethod: 'GET', cache: { maxAge: COMPLETION_CACHE_MS } } });
}

/** PromQL embedded in another document: its text, and where that text starts in the document. */
export interface EmbeddedPromql {
  /** Document offset of `text`'s first character. */
  from: number;
  /**
   * The PromQL, exactly as long as the document range it came from, so that an offset in it plus `from` is the
   * same place in the document (escapes of the host language are replaced by as many characters, e.g. `\"` by ` "`).
   */
  text: string;
}

const promqlLanguage = promQLLanguage(LanguageType.PromQL);

/**
 * Completes the PromQL at `context.pos` inside `embedded` with `strategy`: the strategy reads a PromQL document of
 * its own, made of the embedded text, and its answer is moved back to document offsets. Null when it has nothing to
 * offer or the position is outside the text.
 */
export async function completeEmbeddedPromql(
  strategy: CompleteStrategy,
  context: CompletionContext,
  embedded: EmbeddedPromql,
): Promise<CompletionResult | null> {
  const pos = context.pos - embedded.from;
  if (pos < 0 || pos > embedded.text.length) return null;
  const state = EditorState.create({ doc: embedded.text, extensions: [promqlLanguage] });
  // A rule's expression is short: parse all of it now, since the strategy reads the tree around the cursor.
  ensureSyntaxTree(state, state.doc.length, 1_000);
  const result = await strategy.promQL(new CompletionContext(state, pos, context.explicit));
  if (!result) return null;
  return {
    ...result,
    from: result.from + embedded.from,
    ...(result.to === undefined ? {} : { to: result.to + embedded.from }),
  };
}
