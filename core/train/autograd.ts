/**
 * Reverse-mode differentiation over a model graph: a forward pass records a tape (every node's
 * output and the `saved` data its op needs), then a reverse walk over the topological order hands
 * each node its output gradient, and sums the gradients of nodes whose output fans out.
 * The ops own their backward; this file only orders the calls and adds gradients up.
 */
import { topoOrder } from '../graph/topo';
import { GraphError, type GraphNode, type ModelGraph, type Weights } from '../graph/types';
import { getOp } from '../ops/registry';
import type { ForwardContext, OpDef } from '../ops/types';
import { Tensor, sameShape, shapeToString } from '../tensor/tensor';

export type OpResolver = (type: string) => OpDef;

interface CompiledNode {
  node: GraphNode;
  /** null for graph inputs (op "Input"), whose values come from the feeds. */
  op: OpDef | null;
  attrs: unknown;
  /** Positions of this node's inputs in the compiled order. */
  inputs: number[];
}

/** A graph with its order resolved and every node's attributes parsed once. */
export interface CompiledGraph {
  readonly graph: ModelGraph;
  readonly nodes: readonly CompiledNode[];
  readonly index: ReadonlyMap<string, number>;
  /** Names of the Input nodes, in order. */
  readonly inputNames: readonly string[];
  /** Positions of the graph outputs. */
  readonly outputs: readonly number[];
  /** For each position, the last position that reads it (its own position when nothing does). */
  readonly lastUse: readonly number[];
}

function nodeError(node: GraphNode, e: unknown): GraphError {
  const msg = e instanceof Error ? e.message : String(e);
  return new GraphError(`${node.op} "${node.name}": ${msg}`, node.name);
}

export function compileGraph(graph: ModelGraph, lookup: OpResolver = getOp): CompiledGraph {
  const order = topoOrder(graph);
  const index = new Map<string, number>();
  order.forEach((n, i) => index.set(n.name, i));
  const nodes: CompiledNode[] = order.map((node) => {
    const inputs = node.inputs.map((name) => index.get(name) ?? -1);
    if (node.op === 'Input') return { node, op: null, attrs: node.attrs, inputs };
    try {
      const op = lookup(node.op);
      return { node, op, attrs: op.parseAttrs(node.attrs), inputs };
    } catch (e) {
      throw nodeError(node, e);
    }
  });
  const outputs = graph.outputs.map((name) => {
    const i = index.get(name);
    if (i === undefined) throw new GraphError(`graph output "${name}" refers to no node`, name);
    return i;
  });
  const lastUse = nodes.map((_, i) => i);
  nodes.forEach((c, i) => c.inputs.forEach((j) => (lastUse[j] = Math.max(lastUse[j], i))));
  const inputNames = nodes.filter((c) => c.op === null).map((c) => c.node.name);
  return { graph, nodes, index, inputNames, outputs, lastUse };
}

export interface Tape {
  readonly training: boolean;
  /** Output of every node by position (null where released after use in eval mode). */
  readonly values: (Tensor | null)[];
  readonly saved: unknown[];
  /** New non-trainable values (BatchNorm running stats) produced in training mode. */
  readonly state: (Record<string, Tensor> | undefined)[];
}

/** Feeds for a graph with a single Input node. */
export function singleFeed(cg: CompiledGraph, x: Tensor): Record<string, Tensor> {
  if (cg.inputNames.length !== 1) {
    throw new Error(`graph "${cg.graph.name}" has ${cg.inputNames.length} inputs (${cg.inputNames.join(', ')}); name the feeds`);
  }
  return { [cg.inputNames[0]]: x };
}

/**
 * Run the graph forward. In training mode every value and `saved` is kept for the backward walk;
 * in eval mode (`keep` false) values are released after their last reader to bound memory.
 */
export function runForward(
  cg: CompiledGraph,
  weights: Weights,
  feeds: Readonly<Record<string, Tensor>>,
  ctx: ForwardContext,
  keep = ctx.training,
): Tape {
  const n = cg.nodes.length;
  const values: (Tensor | null)[] = new Array<Tensor | null>(n).fill(null);
  const saved: unknown[] = new Array<unknown>(n);
  const state: (Record<string, Tensor> | undefined)[] = new Array<Record<string, Tensor> | undefined>(n);
  const isOutput = new Set(cg.outputs);
  for (let i = 0; i < n; i++) {
    const c = cg.nodes[i];
    if (c.op === null) {
      const fed = feeds[c.node.name];
      if (!fed) throw new GraphError(`Input "${c.node.name}": no value was fed`, c.node.name);
      values[i] = fed;
      continue;
    }
    const inputs = c.inputs.map((j) => {
      const v = values[j];
      if (!v) throw new GraphError(`${c.node.op} "${c.node.name}": input "${cg.nodes[j].node.name}" was released too early`, c.node.name);
      return v;
    });
    let result;
    try {
      result = c.op.forward(inputs, weights[c.node.name] ?? {}, c.attrs, ctx);
    } catch (e) {
      throw nodeError(c.node, e);
    }
    values[i] = result.output;
    if (keep) saved[i] = result.saved;
    if (result.state) state[i] = result.state;
    if (!keep) {
      for (const j of c.inputs) if (cg.lastUse[j] <= i && !isOutput.has(j)) values[j] = null;
    }
  }
  return { training: ctx.training, values, saved, state };
}

/** The output tensor of a graph output (first output by default). */
export function outputOf(cg: CompiledGraph, tape: Tape, which = 0): Tensor {
  const v = tape.values[cg.outputs[which]];
  if (!v) throw new Error(`graph "${cg.graph.name}": output ${which} was not computed`);
  return v;
}

export type Gradients = Record<string, Record<string, Tensor>>;

/** Adds b into a; a must be owned by the caller. */
function addInto(a: Float32Array, b: Float32Array): void {
  for (let k = 0; k < a.length; k++) a[k] += b[k];
}

/**
 * Reverse walk: given the gradient of the loss with respect to each graph output, return the
 * gradient of every trainable parameter (by node, then param name). Nodes that no gradient
 * reaches contribute nothing.
 */
export function runBackward(cg: CompiledGraph, tape: Tape, weights: Weights, gradOutputs: readonly Tensor[]): Gradients {
  if (!tape.training) throw new Error('backward needs a tape recorded in training mode');
  const n = cg.nodes.length;
  const grads: (Tensor | null)[] = new Array<Tensor | null>(n).fill(null);
  // A gradient returned by an op may alias another (Add returns gradOut for both inputs):
  // it is copied before anything is added into it.
  const owned: boolean[] = new Array<boolean>(n).fill(false);
  const accumulate = (j: number, g: Tensor, who: GraphNode): void => {
    const value = tape.values[j];
    if (value && !sameShape(value.shape, g.shape)) {
      throw new GraphError(
        `${who.op} "${who.name}": gradient for input "${cg.nodes[j].node.name}" has shape ${shapeToString(g.shape)}, expected ${shapeToString(value.shape)}`,
        who.name,
      );
    }
    const prev = grads[j];
    if (!prev) {
      grads[j] = g;
      owned[j] = false;
    } else if (owned[j]) {
      addInto(prev.data, g.data);
    } else {
      const sum = prev.clone();
      addInto(sum.data, g.data);
      grads[j] = sum;
      owned[j] = true;
    }
  };
  cg.outputs.forEach((pos, k) => {
    const g = gradOutputs[k];
    if (g) accumulate(pos, g, cg.nodes[pos].node);
  });

  // Only values downstream of some weight need a gradient (the graph input and anything computed
  // from inputs alone do not): ops are told, so a first conv can skip its input gradient.
  const needs: boolean[] = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    const c = cg.nodes[i];
    if (c.op === null) continue;
    const w = weights[c.node.name];
    needs[i] = (w !== undefined && Object.keys(w).length > 0) || c.inputs.some((j) => needs[j]);
  }

  const out: Gradients = {};
  for (let i = n - 1; i >= 0; i--) {
    const c = cg.nodes[i];
    const g = grads[i];
    if (!g || c.op === null) continue;
    const inputs = c.inputs.map((j) => tape.values[j] as Tensor);
    const params = weights[c.node.name] ?? {};
    let result;
    try {
      result = c.op.backward(g, tape.saved[i], inputs, params, c.attrs, c.inputs.map((j) => needs[j]));
    } catch (e) {
      throw nodeError(c.node, e);
    }
    result.inputs.forEach((gi, k) => {
      if (gi && needs[c.inputs[k]]) accumulate(c.inputs[k], gi, c.node);
    });
    const names = Object.keys(result.params);
    if (names.length > 0) {
      const rec: Record<string, Tensor> = {};
      for (const name of names) {
        const w = params[name];
        const gw = result.params[name];
        if (!w) throw new GraphError(`${c.node.op} "${c.node.name}": gradient for unknown param "${name}"`, c.node.name);
        if (!sameShape(w.shape, gw.shape)) {
          throw new GraphError(
            `${c.node.op} "${c.node.name}": gradient of "${name}" has shape ${shapeToString(gw.shape)}, param has ${shapeToString(w.shape)}`,
            c.node.name,
          );
        }
        rec[name] = gw;
      }
      out[c.node.name] = rec;
    }
    // The node's own gradient is no longer needed.
    grads[i] = null;
  }
  return out;
}

/** Write the state produced in training mode (BatchNorm running stats) into the weights, in place. */
export function applyState(weights: Weights, cg: CompiledGraph, tape: Tape): void {
  tape.state.forEach((rec, i) => {
    if (!rec) return;
    const name = cg.nodes[i].node.name;
    const target = (weights[name] ??= {});
    for (const [k, t] of Object.entries(rec)) {
      const w = target[k];
      if (w && w.size === t.size) w.data.set(t.data);
      else target[k] = t.clone();
    }
  });
}
