/**
 * Pure, immutable edits on a ModelGraph. Every function returns a new graph (unchanged nodes are
 * shared) so the history can keep cheap snapshots. Nothing here knows about Svelte or the canvas.
 */
import { hasOp, getOp, type GraphNode, type ModelGraph, type RawAttrs } from '../../../../core/index';

export interface XY {
  x: number;
  y: number;
}

export function emptyGraph(name = 'untitled'): ModelGraph {
  return { format: 'convlab-graph', version: 1, name, nodes: [], outputs: [] };
}

/** "Conv2D" -> "conv2d"; names stay readable in edge labels and error messages. */
function baseName(op: string): string {
  return op.replace(/[^A-Za-z0-9]+/g, '').toLowerCase() || 'node';
}

/** A name not in `taken`: prefix_1, prefix_2, ... */
export function uniqueName(prefix: string, taken: ReadonlySet<string>): string {
  const base = prefix.replace(/_\d+$/, '');
  for (let i = 1; ; i++) {
    const candidate = `${base}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function nameSet(graph: ModelGraph): Set<string> {
  return new Set(graph.nodes.map((n) => n.name));
}

export function findNode(graph: ModelGraph, name: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.name === name);
}

/** Nodes nobody consumes; the editor keeps graph.outputs equal to these unless set by hand. */
export function sinks(graph: ModelGraph): string[] {
  const used = new Set<string>();
  for (const n of graph.nodes) for (const i of n.inputs) used.add(i);
  return graph.nodes.filter((n) => !used.has(n.name) && n.op !== 'Input').map((n) => n.name);
}

/** Outputs follow the sinks: after an edit, drop outputs that vanished and add new sinks. */
function withOutputs(graph: ModelGraph): ModelGraph {
  const names = nameSet(graph);
  const sinkList = sinks(graph);
  const kept = graph.outputs.filter((o) => names.has(o) && sinkList.includes(o));
  const added = sinkList.filter((s) => !kept.includes(s));
  return { ...graph, outputs: [...kept, ...added] };
}

export function addNode(graph: ModelGraph, op: string, attrs: RawAttrs, at: XY, inputs: string[] = []): { graph: ModelGraph; name: string } {
  const name = uniqueName(baseName(op), nameSet(graph));
  const node: GraphNode = { name, op, inputs, attrs: { ...attrs }, ui: { x: at.x, y: at.y } };
  return { graph: withOutputs({ ...graph, nodes: [...graph.nodes, node] }), name };
}

/** Remove nodes; consumers lose those inputs (analysis then names the missing input). */
export function deleteNodes(graph: ModelGraph, names: readonly string[]): ModelGraph {
  const gone = new Set(names);
  const nodes = graph.nodes
    .filter((n) => !gone.has(n.name))
    .map((n) => (n.inputs.some((i) => gone.has(i)) ? { ...n, inputs: n.inputs.filter((i) => !gone.has(i)) } : n));
  return withOutputs({ ...graph, nodes, outputs: graph.outputs.filter((o) => !gone.has(o)) });
}

/** True when `from` is reachable from `to` following data flow (so to -> from would close a cycle). */
export function reaches(graph: ModelGraph, start: string, goal: string): boolean {
  const consumers = new Map<string, string[]>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n.name]);
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    if (cur === goal) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    stack.push(...(consumers.get(cur) ?? []));
  }
  return false;
}

export type EditResult = { ok: true; graph: ModelGraph } | { ok: false; reason: string };

/**
 * Feed `source` into `target`. A reference to a node that no longer exists is replaced first
 * (reconnecting after a delete keeps the input order); otherwise the source is appended,
 * unless the op has a fixed number of inputs that are all taken, in which case the last is replaced.
 */
export function connect(graph: ModelGraph, source: string, target: string): EditResult {
  const src = findNode(graph, source);
  const dst = findNode(graph, target);
  if (!src || !dst) return { ok: false, reason: `cannot connect: "${!src ? source : target}" does not exist` };
  if (source === target) return { ok: false, reason: `cannot connect "${source}" to itself` };
  if (dst.op === 'Input') return { ok: false, reason: `"${target}" is a graph input and takes no inputs` };
  if (reaches(graph, target, source)) return { ok: false, reason: `connecting "${source}" -> "${target}" would make a cycle` };
  const names = nameSet(graph);
  const inputs = [...dst.inputs];
  const missing = inputs.findIndex((i) => !names.has(i));
  const maxInputs = hasOp(dst.op) ? arityMax(dst.op) : Infinity;
  if (missing >= 0) inputs[missing] = source;
  else if (inputs.length < maxInputs) inputs.push(source);
  else inputs[inputs.length - 1] = source;
  return { ok: true, graph: replaceNode(graph, { ...dst, inputs }) };
}

function arityMax(op: string): number {
  const a = getOp(op).arity;
  return typeof a === 'number' ? a : a[1];
}

export function arityMin(op: string): number {
  if (!hasOp(op)) return 0;
  const a = getOp(op).arity;
  return typeof a === 'number' ? a : a[0];
}

/** Remove the `index`-th input of `target`. */
export function disconnect(graph: ModelGraph, target: string, index: number): ModelGraph {
  const dst = findNode(graph, target);
  if (!dst || index < 0 || index >= dst.inputs.length) return graph;
  return replaceNode(graph, { ...dst, inputs: dst.inputs.filter((_, i) => i !== index) });
}

export function replaceNode(graph: ModelGraph, node: GraphNode): ModelGraph {
  return withOutputs({ ...graph, nodes: graph.nodes.map((n) => (n.name === node.name ? node : n)) });
}

export function setAttrs(graph: ModelGraph, name: string, attrs: RawAttrs): ModelGraph {
  const node = findNode(graph, name);
  return node ? replaceNode(graph, { ...node, attrs: { ...attrs } }) : graph;
}

export function renameNode(graph: ModelGraph, from: string, to: string): EditResult {
  if (from === to) return { ok: true, graph };
  if (!/^[A-Za-z_][\w.\-/]*$/.test(to)) return { ok: false, reason: `"${to}" is not a valid node name (letters, digits, _ . - /)` };
  if (findNode(graph, to)) return { ok: false, reason: `a node named "${to}" already exists` };
  const nodes = graph.nodes.map((n) => {
    const inputs = n.inputs.map((i) => (i === from ? to : i));
    return n.name === from ? { ...n, name: to, inputs } : { ...n, inputs };
  });
  return { ok: true, graph: { ...graph, nodes, outputs: graph.outputs.map((o) => (o === from ? to : o)) } };
}

export function moveNodes(graph: ModelGraph, positions: ReadonlyMap<string, XY>): ModelGraph {
  const nodes = graph.nodes.map((n) => {
    const p = positions.get(n.name);
    return p ? { ...n, ui: { ...n.ui, x: p.x, y: p.y } } : n;
  });
  return { ...graph, nodes };
}

/**
 * Insert copies of `fragment` (nodes from a clipboard or a template) under fresh names.
 * Inputs among the fragment are remapped; inputs to outside nodes are kept as they are
 * (they may dangle, which the analysis reports). Groups are renamed too, so a pasted block
 * stays a separate block. Returns the new names in fragment order.
 */
export function insertFragment(
  graph: ModelGraph,
  fragment: readonly GraphNode[],
  offset: XY,
  groupPrefix?: string,
): { graph: ModelGraph; names: string[]; groups: Map<string, string> } {
  const taken = nameSet(graph);
  const groupNames = new Set(graph.nodes.map((n) => n.ui?.group).filter((g): g is string => g !== undefined));
  const rename = new Map<string, string>();
  for (const n of fragment) {
    const fresh = taken.has(n.name) || rename.has(n.name) ? uniqueName(n.name, taken) : n.name;
    const prefixed = groupPrefix && !taken.has(`${groupPrefix}/${n.name}`) ? `${groupPrefix}/${n.name}` : fresh;
    taken.add(prefixed);
    rename.set(n.name, prefixed);
  }
  const groups = new Map<string, string>();
  for (const n of fragment) {
    const g = n.ui?.group;
    if (g !== undefined && !groups.has(g)) {
      const fresh = groupNames.has(g) ? uniqueName(g, groupNames) : g;
      groupNames.add(fresh);
      groups.set(g, fresh);
    }
  }
  const copies = fragment.map((n, i): GraphNode => {
    const ui = n.ui ?? { x: (i % 4) * 180, y: Math.floor(i / 4) * 110 };
    const group = ui.group !== undefined ? groups.get(ui.group) : undefined;
    return {
      ...n,
      name: rename.get(n.name) as string,
      inputs: n.inputs.map((inp) => rename.get(inp) ?? inp),
      attrs: { ...n.attrs },
      ui: group !== undefined ? { x: ui.x + offset.x, y: ui.y + offset.y, group } : { x: ui.x + offset.x, y: ui.y + offset.y },
    };
  });
  return { graph: withOutputs({ ...graph, nodes: [...graph.nodes, ...copies] }), names: copies.map((c) => c.name), groups };
}

/** Put nodes in a named group (a block); an existing group of the same name is extended. */
export function groupNodes(graph: ModelGraph, names: readonly string[], group: string): ModelGraph {
  const set = new Set(names);
  const nodes = graph.nodes.map((n) => (set.has(n.name) ? { ...n, ui: { x: n.ui?.x ?? 0, y: n.ui?.y ?? 0, group } } : n));
  return { ...graph, nodes };
}

/** Dissolve a group: its nodes stay, without the group tag. */
export function ungroup(graph: ModelGraph, group: string): ModelGraph {
  const nodes = graph.nodes.map((n) => (n.ui?.group === group ? { ...n, ui: { x: n.ui.x, y: n.ui.y } } : n));
  return { ...graph, nodes };
}

export function groupMembers(graph: ModelGraph, group: string): GraphNode[] {
  return graph.nodes.filter((n) => n.ui?.group === group);
}

/**
 * Feed `source` into a block: the block's one outside input (a dangling reference, or else the
 * first outside producer) is replaced by `source` in every member, so a residual block keeps
 * both its paths. A block with no outside input gets the source at its first member.
 */
export function connectToGroup(graph: ModelGraph, source: string, group: string): EditResult {
  const members = groupMembers(graph, group);
  if (members.length === 0) return { ok: false, reason: `block "${group}" is empty` };
  if (members.some((m) => m.name === source)) return { ok: false, reason: `"${source}" is inside block "${group}"` };
  const inside = new Set(members.map((m) => m.name));
  const names = nameSet(graph);
  const outside = members.flatMap((m) => m.inputs.filter((i) => !inside.has(i)));
  const target = outside.find((i) => !names.has(i)) ?? outside[0];
  if (target === undefined) return connect(graph, source, members[0].name);
  for (const m of members) if (reaches(graph, m.name, source)) return { ok: false, reason: `connecting "${source}" -> block "${group}" would make a cycle` };
  const nodes = graph.nodes.map((n) => (inside.has(n.name) && n.inputs.includes(target) ? { ...n, inputs: n.inputs.map((i) => (i === target ? source : i)) } : n));
  return { ok: true, graph: withOutputs({ ...graph, nodes }) };
}

/** The member of a block whose output leaves it (the block's output port). */
export function groupExit(graph: ModelGraph, group: string): string | undefined {
  const members = groupMembers(graph, group);
  const inside = new Set(members.map((m) => m.name));
  const usedInside = new Set(members.flatMap((m) => m.inputs.filter((i) => inside.has(i))));
  const leaving = members.filter((m) => graph.nodes.some((n) => !inside.has(n.name) && n.inputs.includes(m.name)));
  if (leaving.length > 0) return leaving[leaving.length - 1].name;
  const last = members.filter((m) => !usedInside.has(m.name));
  return last.length > 0 ? last[last.length - 1].name : members[members.length - 1]?.name;
}

/** Where a node added from the palette goes: under `after`, else under everything on the canvas. */
export function nextPosition(graph: ModelGraph, after?: string): XY {
  const anchor = after !== undefined ? findNode(graph, after) : undefined;
  if (anchor?.ui) return { x: anchor.ui.x, y: anchor.ui.y + 130 };
  if (graph.nodes.length === 0) return { x: 0, y: 0 };
  const ys = graph.nodes.map((n) => n.ui?.y ?? 0);
  const bottom = graph.nodes[ys.indexOf(Math.max(...ys))];
  return { x: bottom.ui?.x ?? 0, y: (bottom.ui?.y ?? 0) + 130 };
}
