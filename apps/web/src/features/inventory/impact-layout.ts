import type { ImpactResult } from '@estate/contract';

/** Horizontal distance between neighbouring nodes, in graph units. */
const NODE_GAP = 90;
/** Vertical distance between wrapped rows of one depth, and the extra gap between depths. */
const ROW_GAP = 70;
const LEVEL_GAP = 50;

/**
 * A breadth-first layered layout: the root on top, then one band per depth. A wide depth (hundreds of CIs on one
 * host) is wrapped into several rows, so the drawing keeps a readable aspect instead of one endless line, as
 * Cytoscape's own breadth-first layout would draw it. Within a band, CIs are grouped by type, then by name.
 * Runs in linear time after the sort; positions are in graph units.
 */
export function layeredPositions(nodes: ImpactResult['nodes']): Map<string, { x: number; y: number }> {
  const levels = new Map<number, ImpactResult['nodes']>();
  for (const node of nodes) levels.set(node.depth, [...(levels.get(node.depth) ?? []), node]);
  const perRow = Math.max(8, Math.ceil(Math.sqrt(nodes.length) * 1.6));
  const positions = new Map<string, { x: number; y: number }>();
  let y = 0;
  for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
    const level = (levels.get(depth) ?? []).sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    for (let start = 0; start < level.length; start += perRow) {
      const row = level.slice(start, start + perRow);
      for (const [index, node] of row.entries()) positions.set(node.id, { x: (index - (row.length - 1) / 2) * NODE_GAP, y });
      y += ROW_GAP;
    }
    y += LEVEL_GAP;
  }
  return positions;
}
