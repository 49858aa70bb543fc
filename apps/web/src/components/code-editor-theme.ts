import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/*
 * The look of Estate's code editors (the explorer's PromQL editor, the alert rule editor's YAML), drawn from Mantine's
 * CSS variables, which follow the light or dark scheme by themselves; only CodeMirror's own defaults (selection,
 * cursor, tooltips it styles) need to be told which scheme is on.
 */

/** The space left and right of every line's text. */
export const LINE_PADDING_X = '10px';

/** Token colours, by the highlight tags lezer-promql and lezer-yaml give their nodes. */
const codeHighlight = HighlightStyle.define([
  { tag: tags.variableName, color: 'var(--mantine-color-text)' },
  { tag: tags.function(tags.variableName), color: 'var(--mantine-color-blue-text)' },
  { tag: tags.operatorKeyword, color: 'var(--mantine-color-violet-text)', fontWeight: '600' },
  { tag: tags.modifier, color: 'var(--mantine-color-grape-text)' },
  { tag: tags.labelName, color: 'var(--mantine-color-orange-text)' },
  { tag: tags.string, color: 'var(--mantine-color-green-text)' },
  { tag: tags.number, color: 'var(--mantine-color-teal-text)' },
  { tag: [tags.operator, tags.logicOperator, tags.arithmeticOperator], color: 'var(--mantine-color-pink-text)' },
  { tag: [tags.paren, tags.squareBracket, tags.brace], color: 'var(--mantine-color-dimmed)' },
  { tag: tags.comment, color: 'var(--mantine-color-dimmed)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--mantine-color-red-text)' },
  // YAML: keys stand out from values; dashes and colons step back; tags and directives are rare.
  { tag: tags.definition(tags.propertyName), color: 'var(--mantine-color-blue-text)' },
  { tag: tags.separator, color: 'var(--mantine-color-dimmed)' },
  { tag: [tags.typeName, tags.keyword, tags.meta], color: 'var(--mantine-color-grape-text)' },
]);

/**
 * A code editor's frame, text, gutter, lint marks and autocomplete popup, in the light (`dark` false) or dark scheme.
 */
export function codeEditorTheme(dark: boolean): Extension {
  const frame = EditorView.theme(
    {
      '&': {
        backgroundColor: 'var(--mantine-color-body)',
        color: 'var(--mantine-color-text)',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-md)',
        fontSize: 'var(--mantine-font-size-sm)',
      },
      '&.cm-focused': { outline: '2px solid var(--mantine-primary-color-filled)', outlineOffset: '-1px' },
      // A whole number of pixels per line keeps thin glyphs (underscores) on whole pixel rows.
      '.cm-scroller': { fontFamily: 'var(--mantine-font-family-monospace)', lineHeight: '22px' },
      '.cm-content': { padding: '8px 0', caretColor: 'var(--mantine-color-text)' },
      '.cm-line': { padding: `0 ${LINE_PADDING_X}` },
      '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--mantine-color-text)' },
      '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
        backgroundColor: dark ? 'var(--mantine-color-blue-9)' : 'var(--mantine-color-blue-1)',
      },
      '.cm-placeholder': { color: 'var(--mantine-color-placeholder, var(--mantine-color-dimmed))' },
      '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': {
        backgroundColor: dark ? 'var(--mantine-color-dark-4)' : 'var(--mantine-color-gray-2)',
        outline: 'none',
      },
      '.cm-tooltip': {
        backgroundColor: 'var(--mantine-color-body)',
        color: 'var(--mantine-color-text)',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-sm)',
        boxShadow: 'var(--mantine-shadow-md)',
      },
      // CodeMirror places the list at the bottom of the characters' box, right on the underscores: a little lower.
      '.cm-tooltip.cm-tooltip-autocomplete': { marginTop: '4px' },
      '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mantine-font-family-monospace)', maxHeight: '16em' },
      '.cm-tooltip.cm-tooltip-autocomplete > ul > li': { padding: '2px 8px' },
      '.cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]': {
        backgroundColor: 'var(--mantine-primary-color-light)',
        color: 'var(--mantine-color-text)',
      },
      '.cm-completionDetail': { color: 'var(--mantine-color-dimmed)', fontStyle: 'normal', marginLeft: '8px' },
      '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700' },
      '.cm-diagnostic-error': { borderLeftColor: 'var(--mantine-color-red-filled)' },
      '.cm-lintRange-error': {
        backgroundImage: 'none',
        textDecoration: 'underline wavy var(--mantine-color-red-filled)',
        textUnderlineOffset: '3px',
      },
      '.cm-gutters': {
        backgroundColor: 'var(--mantine-color-default-hover)',
        color: 'var(--mantine-color-dimmed)',
        borderRight: '1px solid var(--mantine-color-default-border)',
        borderTopLeftRadius: 'var(--mantine-radius-md)',
        borderBottomLeftRadius: 'var(--mantine-radius-md)',
      },
      '.cm-gutters .cm-gutterElement': { lineHeight: '22px' },
      '.cm-lineNumbers .cm-gutterElement': { padding: '0 6px 0 8px', minWidth: '28px' },
      '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--mantine-color-text)' },
      '.cm-lint-marker': { width: '12px', height: '12px' },
    },
    { dark },
  );
  return [frame, syntaxHighlighting(codeHighlight)];
}
