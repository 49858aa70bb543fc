import type { ImpactResult } from '@estate/contract';
import { Box } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import type { Core, ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef } from 'react';
import { plural } from '../../components/plural';
import { layeredPositions } from './impact-layout';

/** Props of `ImpactGraph`. */
export interface ImpactGraphProps {
  impact: ImpactResult;
  /** Ids of the nodes to draw (after the CI type filter); the root is always drawn. */
  visibleIds: ReadonlySet<string>;
  /** Ids of the business services that depend on the root, drawn in their own colour. */
  serviceIds: ReadonlySet<string>;
  /** The tallest the canvas may grow (px); a small graph gets a canvas its size. */
  maxHeight: number;
}

/** Height of one row of the layered layout on screen at natural zoom, and the room for labels and padding. */
const ROW_PX = 84;
const PADDING_PX = 72;
const MIN_PX = 180;

/** Past this many elements the graph trades looks for speed: straight haystack edges, no arrows. */
const LARGE = 1500;

/**
 * The impact graph, drawn with Cytoscape.js (loaded on first use) in a breadth-first layered layout from the root. Built
 * for thousands of nodes: no animation, labels hidden once they would be too small to read, edges hidden while
 * panning. Clicking a node opens its CI.
 */
export function ImpactGraph({ impact, visibleIds, serviceIds, maxHeight }: ImpactGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  // The canvas is as tall as the layout's rows need, so a few nodes do not sit on a big empty canvas.
  const height = useMemo(() => {
    const drawn = impact.nodes.filter((node) => node.id === impact.root || visibleIds.has(node.id));
    const rows = new Set([...layeredPositions(drawn).values()].map((p) => p.y)).size;
    return Math.min(maxHeight, Math.max(MIN_PX, rows * ROW_PX + PADDING_PX));
  }, [impact, visibleIds, maxHeight]);

  useEffect(() => {
    let cy: Core | undefined;
    let cancelled = false;
    const nodes: ElementDefinition[] = impact.nodes
      .filter((node) => node.id === impact.root || visibleIds.has(node.id))
      .map((node) => ({
        data: { id: node.id, label: node.name, kind: node.id === impact.root ? 'root' : serviceIds.has(node.id) ? 'service' : node.status },
      }));
    const present = new Set(nodes.map((node) => node.data.id));
    const edges: ElementDefinition[] = impact.edges
      .filter((edge) => present.has(edge.sourceId) && present.has(edge.targetId))
      .map((edge) => ({
        data: { id: `e-${edge.id}`, source: edge.sourceId, target: edge.targetId, label: edge.type.replaceAll('_', ' ') },
      }));
    const large = nodes.length + edges.length > LARGE;
    const positions = layeredPositions(impact.nodes.filter((node) => present.has(node.id)));

    void import('cytoscape').then(({ default: cytoscape }) => {
      if (cancelled || !container.current) return;
      cy = cytoscape({
        container: container.current,
        elements: [...nodes, ...edges],
        layout: {
          name: 'preset',
          positions: Object.fromEntries(positions),
          animate: false,
          fit: true,
          padding: 24,
        },
        minZoom: 0.05,
        maxZoom: 3,
        textureOnViewport: large,
        hideEdgesOnViewport: large,
        pixelRatio: large ? 1 : 'auto',
        style: [
          {
            selector: 'node',
            style: {
              label: 'data(label)',
              'font-size': 11,
              'min-zoomed-font-size': 8,
              'text-valign': 'bottom',
              'text-margin-y': 4,
              'text-wrap': 'ellipsis',
              'text-max-width': '120px',
              width: 18,
              height: 18,
              'background-color': '#228be6',
              color: '#495057',
            },
          },
          { selector: 'node[kind = "root"]', style: { 'background-color': '#fa5252', width: 26, height: 26, 'font-weight': 'bold' } },
          { selector: 'node[kind = "service"]', style: { 'background-color': '#7950f2', shape: 'round-rectangle' } },
          { selector: 'node[kind = "retired"], node[kind = "disposed"]', style: { 'background-color': '#adb5bd' } },
          {
            selector: 'edge',
            style: large
              ? { width: 1, 'line-color': '#ced4da', 'curve-style': 'haystack' }
              : {
                  width: 1.5,
                  'line-color': '#adb5bd',
                  'target-arrow-color': '#adb5bd',
                  'target-arrow-shape': 'triangle',
                  'arrow-scale': 0.8,
                  'curve-style': 'straight',
                  label: 'data(label)',
                  'font-size': 9,
                  'min-zoomed-font-size': 10,
                  color: '#868e96',
                  'text-rotation': 'autorotate',
                },
          },
        ],
      });
      // Fitting a handful of nodes would blow them up to the maximum zoom; keep small graphs at a natural size.
      if (cy.zoom() > 1.2) {
        cy.zoom(1.2);
        cy.center();
      }
      cy.on('tap', 'node', (event) => {
        const id = event.target.id() as string;
        if (id !== impact.root) void navigate({ to: '/inventory/$id', params: { id } });
      });
    });
    return () => {
      cancelled = true;
      cy?.destroy();
    };
  }, [impact, visibleIds, serviceIds, navigate]);

  return (
    <Box
      ref={container}
      h={height}
      style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, background: 'var(--mantine-color-body)' }}
      data-testid="impact-graph"
      role="img"
      aria-label={`Impact graph with ${plural(impact.nodes.length, 'item')}`}
    />
  );
}
