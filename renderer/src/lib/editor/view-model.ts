/**
 * What the canvas draws: the graph with collapsed blocks folded into one box each, every edge
 * labelled with the tensor shape that flows along it. Plain data; the Canvas maps it to xyflow.
 */
import { getOp, hasOp, type ModelGraph, type Shape } from '../../../../core/index';
import { compact, shapeLabel, type Analysis } from './analysis';

export const BLOCK_PREFIX = 'block:';

export interface ViewNode {
  id: string;
  kind: 'op' | 'input' | 'block';
  /** Node name, or the block's group name. */
  label: string;
  op: string;
  x: number;
  y: number;
  shape?: Shape;
  params: number;
  flops: number;
  error?: string;
  /** Members of a block (node names). */
  members?: string[];
  category?: string;
  isOutput: boolean;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  /** Producer and consumer node names behind the (possibly folded) view ids. */
  from: string;
  to: string;
  index: number;
  label: string;
  broken: boolean;
}

export function viewIdOf(graph: ModelGraph, collapsed: ReadonlySet<string>): (name: string) => string {
  const groupOf = new Map<string, string>();
  for (const n of graph.nodes) if (n.ui?.group !== undefined && collapsed.has(n.ui.group)) groupOf.set(n.name, n.ui.group);
  return (name) => {
    const g = groupOf.get(name);
    return g !== undefined ? BLOCK_PREFIX + g : name;
  };
}

export function buildView(graph: ModelGraph, collapsed: ReadonlySet<string>, analysis: Analysis): { nodes: ViewNode[]; edges: ViewEdge[] } {
  const idOf = viewIdOf(graph, collapsed);
  const outputs = new Set(graph.outputs);
  const nodes: ViewNode[] = [];
  const blocks = new Map<string, ViewNode>();
  const names = new Set(graph.nodes.map((n) => n.name));

  for (const n of graph.nodes) {
    const stats = analysis.nodes.get(n.name);
    const id = idOf(n.name);
    if (id !== n.name) {
      const group = id.slice(BLOCK_PREFIX.length);
      let block = blocks.get(group);
      if (!block) {
        block = { id, kind: 'block', label: group, op: 'Block', x: n.ui?.x ?? 0, y: n.ui?.y ?? 0, params: 0, flops: 0, members: [], isOutput: false };
        blocks.set(group, block);
        nodes.push(block);
      }
      block.members?.push(n.name);
      block.x = Math.min(block.x, n.ui?.x ?? 0);
      block.y = Math.min(block.y, n.ui?.y ?? 0);
      block.params += stats?.params ?? 0;
      block.flops += stats?.flops ?? 0;
      if (stats?.error && !block.error) block.error = stats.error;
      if (outputs.has(n.name)) block.isOutput = true;
      continue;
    }
    nodes.push({
      id,
      kind: n.op === 'Input' ? 'input' : 'op',
      label: n.name,
      op: n.op,
      x: n.ui?.x ?? 0,
      y: n.ui?.y ?? 0,
      shape: stats?.shape,
      params: stats?.params ?? 0,
      flops: stats?.flops ?? 0,
      error: stats?.error,
      category: hasOp(n.op) ? getOp(n.op).category : n.op === 'Input' ? 'io' : undefined,
      isOutput: outputs.has(n.name),
    });
  }

  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    const target = idOf(n.name);
    n.inputs.forEach((input, index) => {
      if (!names.has(input)) return;
      const source = idOf(input);
      if (source === target) return;
      const key = target.startsWith(BLOCK_PREFIX) ? `${input}->${target}` : `${input}->${n.name}#${index}`;
      if (seen.has(key)) return;
      seen.add(key);
      const shape = analysis.nodes.get(input)?.shape;
      edges.push({ id: key, source, target, from: input, to: n.name, index, label: shapeLabel(shape), broken: shape === undefined });
    });
  }
  // A block's output shape is its exit member's shape.
  for (const block of blocks.values()) {
    const out = edges.find((e) => e.source === block.id);
    const exit = out ? out.from : block.members?.at(-1);
    block.shape = exit !== undefined ? analysis.nodes.get(exit)?.shape : undefined;
  }
  return { nodes, edges };
}

export function statsLine(node: Pick<ViewNode, 'params' | 'flops'>): string {
  return `${compact(node.params)} params · ${compact(node.flops)} FLOPs`;
}
