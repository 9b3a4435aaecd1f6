/**
 * Topological order of a model graph (Kahn's algorithm taking the earliest ready node in file order).
 * Structural problems are reported as GraphErrors that name the node: duplicate names,
 * inputs that refer to no node (dangling), outputs that refer to no node, and cycles
 * (the message lists the nodes on one cycle).
 */
import { GraphError, type GraphNode, type ModelGraph } from './types';

export interface TopoResult {
  /** Nodes in an order where every node comes after its inputs. Nodes on or behind a cycle are left out. */
  order: GraphNode[];
  errors: GraphError[];
}

/** Order the nodes and collect every structural error (does not throw). */
export function topoSort(graph: ModelGraph): TopoResult {
  const errors: GraphError[] = [];
  const byName = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (byName.has(node.name)) {
      errors.push(new GraphError(`${node.op} "${node.name}": duplicate node name "${node.name}"`, node.name));
      continue;
    }
    byName.set(node.name, node);
  }

  // Edges: producer -> consumers, counting only inputs that exist.
  const pending = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const node of byName.values()) {
    let count = 0;
    for (const input of node.inputs) {
      if (!byName.has(input)) {
        errors.push(new GraphError(`${node.op} "${node.name}": input "${input}" refers to no node (dangling input)`, node.name));
        continue;
      }
      count++;
      const list = consumers.get(input);
      if (list) list.push(node.name);
      else consumers.set(input, [node.name]);
    }
    pending.set(node.name, count);
  }

  // Kahn's algorithm, always taking the ready node that comes first in the file: a file that is
  // already in order keeps its order exactly (branches stay together in summaries).
  const index = new Map<string, number>();
  const nodes = [...byName.values()];
  nodes.forEach((n, i) => index.set(n.name, i));
  const order: GraphNode[] = [];
  const ready = new MinHeap();
  for (const [name, count] of pending) if (count === 0) ready.push(index.get(name) ?? 0);
  while (ready.size > 0) {
    const node = nodes[ready.pop()];
    order.push(node);
    for (const next of consumers.get(node.name) ?? []) {
      const left = (pending.get(next) ?? 0) - 1;
      pending.set(next, left);
      if (left === 0) ready.push(index.get(next) ?? 0);
    }
  }

  if (order.length < byName.size) {
    const placed = new Set(order.map((n) => n.name));
    const cycle = findCycle(byName, placed);
    const head = byName.get(cycle[0]);
    errors.push(
      new GraphError(
        `${head?.op ?? '?'} "${cycle[0]}": the graph has a cycle ${[...cycle, cycle[0]].map((n) => `"${n}"`).join(' -> ')}`,
        cycle[0],
      ),
    );
  }

  for (const out of graph.outputs) {
    if (!byName.has(out)) errors.push(new GraphError(`graph output "${out}" refers to no node`, out));
  }
  return { order, errors };
}

/** A binary min-heap of integers (node indices in file order). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() ?? top;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** Every unplaced node has an unplaced input (else Kahn would have placed it); walk inputs until one repeats. */
function findCycle(byName: ReadonlyMap<string, GraphNode>, placed: ReadonlySet<string>): string[] {
  let start = '';
  for (const name of byName.keys()) {
    if (!placed.has(name)) {
      start = name;
      break;
    }
  }
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  let current = start;
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    const node = byName.get(current);
    const next = node?.inputs.find((i) => byName.has(i) && !placed.has(i));
    if (next === undefined) break;
    current = next;
  }
  const from = seenAt.get(current) ?? 0;
  // Walking inputs goes against the data flow; reverse so the message reads producer -> consumer.
  return path.slice(from).reverse();
}

/** The topological order; throws the first structural GraphError. */
export function topoOrder(graph: ModelGraph): GraphNode[] {
  const { order, errors } = topoSort(graph);
  if (errors.length > 0) throw errors[0];
  return order;
}
