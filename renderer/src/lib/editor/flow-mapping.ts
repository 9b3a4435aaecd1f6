/**
 * ViewNode/ViewEdge -> xyflow nodes and edges. Objects are reused when nothing about them
 * changed, so after an edit xyflow only re-renders what moved or changed (large graphs stay fast).
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { ViewEdge, ViewNode } from './view-model';

export type FlowNode = Node<{ view: ViewNode }, 'op' | 'block'>;
export type FlowEdge = Edge<{ view: ViewEdge }, 'shape'>;

function nodeKey(v: ViewNode, selected: boolean): string {
  return `${v.kind}|${v.label}|${v.op}|${v.x}|${v.y}|${v.shape?.join('x')}|${v.params}|${v.flops}|${v.error}|${v.members?.length}|${v.isOutput}|${selected}`;
}

export class FlowMapper {
  private nodes = new Map<string, { key: string; node: FlowNode }>();
  private edges = new Map<string, { key: string; edge: FlowEdge }>();

  mapNodes(views: readonly ViewNode[], selection: ReadonlySet<string>): FlowNode[] {
    const next = new Map<string, { key: string; node: FlowNode }>();
    const out = views.map((v) => {
      const selected = selection.has(v.id);
      const key = nodeKey(v, selected);
      const prev = this.nodes.get(v.id);
      const node: FlowNode =
        prev && prev.key === key
          ? prev.node
          : { id: v.id, type: v.kind === 'block' ? 'block' : 'op', position: { x: v.x, y: v.y }, data: { view: v }, selected, deletable: false };
      next.set(v.id, { key, node });
      return node;
    });
    this.nodes = next;
    return out;
  }

  mapEdges(views: readonly ViewEdge[], selected: ReadonlySet<string>): FlowEdge[] {
    const next = new Map<string, { key: string; edge: FlowEdge }>();
    const out = views.map((v) => {
      const isSel = selected.has(v.id);
      const key = `${v.source}|${v.target}|${v.label}|${v.broken}|${v.index}|${isSel}`;
      const prev = this.edges.get(v.id);
      const edge: FlowEdge =
        prev && prev.key === key ? prev.edge : { id: v.id, type: 'shape', source: v.source, target: v.target, data: { view: v }, selected: isSel, deletable: false };
      next.set(v.id, { key, edge });
      return edge;
    });
    this.edges = next;
    return out;
  }
}
