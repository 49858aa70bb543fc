import type { MantineTheme } from '@mantine/core';

/** The Mantine colours series are drawn in, in order; neighbours differ in hue so two lines are never confused. */
const SERIES_COLORS = ['blue', 'orange', 'teal', 'grape', 'red', 'cyan', 'lime', 'pink', 'indigo', 'yellow'] as const;

/**
 * The colours of a chart's series in the given colour scheme: darker shades on a light background, lighter ones
 * on a dark background, so every line keeps its contrast.
 */
export function chartPalette(theme: MantineTheme, scheme: 'light' | 'dark'): string[] {
  const shade = scheme === 'dark' ? 4 : 7;
  return SERIES_COLORS.map((name) => theme.colors[name]?.[shade] ?? name);
}
