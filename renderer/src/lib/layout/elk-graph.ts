/**
 * ModelGraph <-> ELK's JSON graph: layered, top to bottom, one box per node. Pure, so tests can
 * run it with elkjs' bundled build; the app runs ELK in its web worker (elk-layout.ts).
 */
import type { ModelGraph } from '../../../../core/index';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { NODE_H, NODE_W } from '../editor/simple-layout';

export const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.nodeNode': '36',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.edgeRouting': 'SPLINES',
};

/** Long plain chains (LeNet, VGG) wrap into columns instead of one very tall column. */
const CHAIN_WRAP: Record<string, string> = {
  'elk.layered.wrapping.strategy': 'MULTI_EDGE',
  'elk.aspectRatio': '1.6',
  'elk.layered.wrapping.additionalEdgeSpacing': '20',
};

/** True for a single path: no node has two inputs or two consumers. */
export function isChain(graph: ModelGraph): boolean {
  const uses = new Map<string, number>();
  for (const n of graph.nodes) {
    if (n.inputs.length > 1) return false;
    for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  }
  return [...uses.values()].every((u) => u <= 1);
}

export function toElkGraph(graph: ModelGraph): ElkNode {
  const names = new Set(graph.nodes.map((n) => n.name));
  const wrap = isChain(graph) && graph.nodes.length > 8;
  return {
    id: 'root',
    layoutOptions: wrap ? { ...LAYOUT_OPTIONS, ...CHAIN_WRAP } : LAYOUT_OPTIONS,
    children: graph.nodes.map((n) => ({ id: n.name, width: NODE_W, height: NODE_H })),
    edges: graph.nodes.flatMap((n) =>
      n.inputs.filter((i) => names.has(i)).map((i, k) => ({ id: `${i}->${n.name}#${k}`, sources: [i], targets: [n.name] })),
    ),
  };
}

/** Copy ELK's positions into the graph's ui fields (groups kept). */
export function applyElk(graph: ModelGraph, laid: ElkNode): ModelGraph {
  const pos = new Map((laid.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = pos.get(n.name);
      if (!p) return n;
      return { ...n, ui: n.ui?.group !== undefined ? { ...p, group: n.ui.group } : p };
    }),
  };
}
