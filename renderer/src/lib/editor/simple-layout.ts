/**
 * A quick layered layout (longest-path layers, top to bottom) used synchronously for inserted
 * blocks and as a fallback; opened graphs get elkjs (see ../layout/elk-layout.ts).
 */
import type { GraphNode } from '../../../../core/index';

export const NODE_W = 190;
export const NODE_H = 74;
const GAP_X = 40;
const GAP_Y = 56;

export function layerOf(nodes: readonly GraphNode[]): Map<string, number> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (name: string): number => {
    const known = layer.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    if (!node || visiting.has(name)) return -1;
    visiting.add(name);
    let d = 0;
    for (const i of node.inputs) d = Math.max(d, depth(i) + 1);
    visiting.delete(name);
    layer.set(name, d);
    return d;
  };
  for (const n of nodes) depth(n.name);
  return layer;
}

/** Positions for `nodes`, layer by layer, each layer centred on x = 0. */
export function simpleLayout(nodes: readonly GraphNode[]): Map<string, { x: number; y: number }> {
  const layer = layerOf(nodes);
  const rows = new Map<number, string[]>();
  for (const n of nodes) {
    const l = layer.get(n.name) ?? 0;
    rows.set(l, [...(rows.get(l) ?? []), n.name]);
  }
  const out = new Map<string, { x: number; y: number }>();
  for (const [l, names] of rows) {
    const width = names.length * NODE_W + (names.length - 1) * GAP_X;
    names.forEach((name, i) => out.set(name, { x: -width / 2 + i * (NODE_W + GAP_X), y: l * (NODE_H + GAP_Y) }));
  }
  return out;
}

/** Copies of `nodes` with ui positions from simpleLayout (groups kept). */
export function withSimpleLayout(nodes: readonly GraphNode[]): GraphNode[] {
  const pos = simpleLayout(nodes);
  return nodes.map((n) => {
    const p = pos.get(n.name) ?? { x: 0, y: 0 };
    return { ...n, ui: n.ui?.group !== undefined ? { x: p.x, y: p.y, group: n.ui.group } : { x: p.x, y: p.y } };
  });
}
