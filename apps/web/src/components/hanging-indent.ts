import { RangeSetBuilder } from '@codemirror/state';
import { Decoration, type DecorationSet, type EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import { LINE_PADDING_X } from './code-editor-theme';

/** How far a line's text starts: its leading spaces and a list item's `- `. */
const LEAD = /^ *(?:- +)?/;

function decorate(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = view.state.doc.lineAt(pos);
      const lead = LEAD.exec(line.text)?.[0].length ?? 0;
      if (lead > 0) {
        const style = `padding-left: calc(${LINE_PADDING_X} + ${lead}ch); text-indent: -${lead}ch`;
        builder.add(line.from, line.from, Decoration.line({ attributes: { style } }));
      }
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

/**
 * With line wrapping on, continues a wrapped line under its own text rather than at the left edge, so an indented
 * language (YAML) keeps its shape on a narrow screen. Assumes a monospace font, where `1ch` is one space.
 */
export const hangingIndent = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = decorate(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged || update.viewportChanged) this.decorations = decorate(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
