import { Badge, createTheme, localStorageColorSchemeManager } from '@mantine/core';

/** Estate's Mantine theme: the defaults, with a blue primary colour and slightly rounder corners. */
export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  components: {
    // Badges hold one or two words (a role, a status); in a narrow table cell they should widen the column, not
    // shrink to an ellipsis.
    Badge: Badge.extend({ styles: { root: { minWidth: 'max-content' } } }),
  },
});

/** Persists the light/dark choice in localStorage under its own key, so it survives reloads and sign-outs. */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'estate-color-scheme' });
