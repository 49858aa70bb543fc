import { type CSSProperties, type UIEvent, useState } from 'react';

/** How a windowed table scrolls: every row is `rowHeight` pixels high, the viewport at most `viewportHeight` (CSS). */
export interface TableWindow {
  rowHeight: number;
  viewportHeight: string;
}

/** Rows rendered above and below the visible window, so fast scrolling shows no blank band. */
const OVERSCAN = 10;

/** The rows of a windowed table to render, and the blank space (pixels) standing in for the rest. */
export interface TableWindowState {
  first: number;
  last: number;
  before: number;
  after: number;
  viewportStyle: CSSProperties;
  onScroll: (event: UIEvent<HTMLDivElement>) => void;
}

/**
 * Which of `count` fixed-height rows are in view (plus an overscan), from the viewport's scroll position. Without a
 * window every row is rendered.
 */
export function useTableWindow(count: number, window: TableWindow | undefined): TableWindowState {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(720);
  if (!window) return { first: 0, last: count, before: 0, after: 0, viewportStyle: {}, onScroll: () => {} };
  const first = Math.max(0, Math.floor(scrollTop / window.rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / window.rowHeight) + OVERSCAN);
  return {
    first,
    last,
    before: first * window.rowHeight,
    after: Math.max(0, count - last) * window.rowHeight,
    viewportStyle: {
      maxHeight: window.viewportHeight,
      overflow: 'auto',
      border: '1px solid var(--mantine-color-default-border)',
      borderRadius: 4,
    },
    onScroll: (event) => {
      setScrollTop(event.currentTarget.scrollTop);
      setViewport(event.currentTarget.clientHeight);
    },
  };
}
