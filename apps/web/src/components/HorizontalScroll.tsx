import { Text } from '@mantine/core';
import { type CSSProperties, type ReactNode, type UIEvent, useCallback, useEffect, useRef, useState } from 'react';

/** Props of `HorizontalScroll`. */
export interface HorizontalScrollProps {
  /** Below this width (pixels) the content scrolls sideways. */
  minWidth: number;
  children: ReactNode;
  testId?: string | undefined;
  /** A viewport that also scrolls down (a windowed table's): its style, its scroll handler and its test id. */
  viewport?: { style: CSSProperties; onScroll: (event: UIEvent<HTMLDivElement>) => void; testId?: string | undefined } | undefined;
}

interface Overflow {
  left: boolean;
  right: boolean;
}

// A pixel of slack: browsers report fractional widths, and a table that fits must not show a hint.
const SLACK = 1;

const fade = (side: 'left' | 'right') =>
  ({
    position: 'absolute',
    top: 0,
    bottom: 0,
    [side]: 0,
    width: 28,
    pointerEvents: 'none',
    background: `linear-gradient(to ${side}, transparent, var(--mantine-color-body))`,
  }) as const;

/**
 * Content wider than its column, scrolling sideways, that says so: a fade at each edge with more beyond it, and a
 * "scroll" line above while anything is hidden (on a phone a cut-off table otherwise looks complete). Nothing shows
 * when the content fits. The container carries `data-overflow-left` / `data-overflow-right` for tests.
 */
export function HorizontalScroll({ minWidth, children, testId, viewport: vertical }: HorizontalScrollProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState<Overflow>({ left: false, right: false });

  const measure = useCallback(() => {
    const el = viewport.current;
    if (!el) return;
    const left = el.scrollLeft > SLACK;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - SLACK;
    setOverflow((was) => (was.left === left && was.right === right ? was : { left, right }));
  }, []);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    measure();
    // Rows arrive after the first paint and the window turns: measure again whenever either size changes.
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [measure]);

  const hidden = overflow.left || overflow.right;
  return (
    <div data-testid={testId} data-overflow-left={overflow.left} data-overflow-right={overflow.right}>
      {hidden && (
        <Text size="xs" c="dimmed" ta="right" mb={4} aria-hidden data-testid="scroll-hint">
          {overflow.right ? 'Scroll sideways for more →' : '← Scroll back'}
        </Text>
      )}
      <div style={{ position: 'relative' }}>
        <div
          ref={viewport}
          onScroll={(event) => {
            vertical?.onScroll(event);
            measure();
          }}
          style={vertical?.style ?? { overflowX: 'auto' }}
          data-scroll-viewport
          data-testid={vertical?.testId}
        >
          <div style={{ minWidth }}>{children}</div>
        </div>
        {overflow.left && <div style={fade('left')} />}
        {overflow.right && <div style={fade('right')} />}
      </div>
    </div>
  );
}
