/**
 * Whole-graph analysis at a batch size: per node output shape, params, FLOPs and receptive
 * field; totals and a training-memory estimate. Builds on the shape pass and returns all of its
 * errors, so the editor can mark every invalid node; `assertValid` throws instead.
 */
import type { ParamSpec } from '../ops/types';
import type { Shape } from '../tensor/tensor';
import { sizeOf } from '../tensor/tensor';
import { inferShapes, type NodeInfo, type ShapeOptions } from './shapes';
import { GraphError, type ModelGraph } from './types';
import { countSpecs, type ParamCount } from './weights';

/** Receptive field along one spatial axis: size in input pixels, jump = input pixels per output step. */
export interface ReceptiveAxis {
  size: number;
  jump: number;
}

/** Receptive field: per spatial axis (D/H/W order), and size/jump = the largest over the axes. */
export interface ReceptiveField extends ReceptiveAxis {
  axes: ReceptiveAxis[];
}

export interface NodeAnalysis {
  name: string;
  op: string;
  inputs: string[];
  inputShapes: Shape[];
  outputShape: Shape;
  params: ParamSpec[];
  paramCount: ParamCount;
  /** Forward FLOPs for the whole batch (multiply-adds x 2). */
  flops: number;
  /** null once each output sees the whole input (after global pooling, non-local attention, Flatten/Dense). */
  rf: ReceptiveField | null;
}

export interface MemoryEstimate {
  /** Every node output kept for backward, float32, at the batch size. */
  activationBytes: number;
  paramBytes: number;
  gradBytes: number;
  optimizerBytes: number;
  totalBytes: number;
}

export interface GraphAnalysis {
  batch: number;
  valid: boolean;
  errors: GraphError[];
  /** Analysed nodes in topological order (nodes behind an error are absent). */
  nodes: NodeAnalysis[];
  byName: Map<string, NodeAnalysis>;
  totals: { params: ParamCount; flops: number; memory: MemoryEstimate };
}

export interface AnalyzeOptions extends ShapeOptions {
  /** Optimizer state per trainable param: 2 for Adam/AdamW (default), 1 for SGD momentum, 0 for plain SGD. */
  optimizerSlots?: number;
}

const BYTES = 4;

function fieldOf(axes: ReceptiveAxis[]): ReceptiveField {
  return { size: Math.max(...axes.map((a) => a.size)), jump: Math.max(...axes.map((a) => a.jump)), axes };
}

function receptiveOf(info: NodeInfo, inputs: readonly (ReceptiveField | null)[]): ReceptiveField | null {
  const spatial = info.outputShape.length - 2;
  if (spatial < 1) return null;
  if (info.op === null) return fieldOf(Array.from({ length: spatial }, () => ({ size: 1, jump: 1 })));
  // Multi-input nodes (Add, Concat) see, per axis, the widest of their inputs.
  let base: ReceptiveAxis[] | null = null;
  for (const rf of inputs) {
    if (rf === null) return null;
    if (base === null) base = rf.axes.map((a) => ({ ...a }));
    else if (rf.axes.length === base.length) base = base.map((a, i) => (rf.axes[i].size > a.size ? { ...rf.axes[i] } : a));
  }
  if (base === null) return null;
  const r = info.op.receptive?.(info.attrs);
  if (r?.global) return null;
  if (base.length !== spatial) return null; // the op changed the spatial rank (Reshape): no longer traceable
  if (!r) return fieldOf(base);
  const per = r.axes && r.axes.length === base.length ? r.axes : null;
  return fieldOf(
    base.map((a, i) => {
      const k = per ? per[i] : r;
      return { size: a.size + (k.kernel - 1) * k.dilation * a.jump, jump: a.jump * k.stride };
    }),
  );
}

export function analyzeGraph(graph: ModelGraph, options: AnalyzeOptions = {}): GraphAnalysis {
  const batch = options.batch ?? 1;
  const slots = options.optimizerSlots ?? 2;
  const { order, info, errors } = inferShapes(graph, options);
  const nodes: NodeAnalysis[] = [];
  const byName = new Map<string, NodeAnalysis>();
  let flops = 0;
  let activations = 0;
  const allSpecs: ParamSpec[] = [];

  for (const node of order) {
    const ni = info.get(node.name);
    if (!ni) continue;
    let nodeFlops = 0;
    if (ni.op) {
      try {
        nodeFlops = ni.op.flops(ni.inputShapes, ni.attrs);
      } catch (e) {
        errors.push(new GraphError(`${node.op} "${node.name}": flops failed: ${e instanceof Error ? e.message : String(e)}`, node.name));
      }
    }
    const rf = receptiveOf(
      ni,
      node.inputs.map((i) => byName.get(i)?.rf ?? null),
    );
    const a: NodeAnalysis = {
      name: node.name,
      op: node.op,
      inputs: [...node.inputs],
      inputShapes: ni.inputShapes,
      outputShape: ni.outputShape,
      params: ni.params,
      paramCount: countSpecs(ni.params),
      flops: nodeFlops,
      rf,
    };
    nodes.push(a);
    byName.set(node.name, a);
    flops += nodeFlops;
    activations += sizeOf(ni.outputShape);
    allSpecs.push(...ni.params);
  }

  const params = countSpecs(allSpecs);
  const memory: MemoryEstimate = {
    activationBytes: activations * BYTES,
    paramBytes: params.total * BYTES,
    gradBytes: params.trainable * BYTES,
    optimizerBytes: params.trainable * slots * BYTES,
    totalBytes: 0,
  };
  memory.totalBytes = memory.activationBytes + memory.paramBytes + memory.gradBytes + memory.optimizerBytes;
  return { batch, valid: errors.length === 0, errors, nodes, byName, totals: { params, flops, memory } };
}

/** Errors grouped by node name (graph-level errors under ''), for marking nodes in the editor. */
export function errorsByNode(errors: readonly GraphError[]): Map<string, GraphError[]> {
  const map = new Map<string, GraphError[]>();
  for (const e of errors) {
    const key = e.node ?? '';
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  }
  return map;
}

/** Analyse and throw if anything is wrong (one error: itself; several: all messages, one per line). */
export function assertValid(graph: ModelGraph, options: AnalyzeOptions = {}): GraphAnalysis {
  const a = analyzeGraph(graph, options);
  if (a.errors.length === 1) throw a.errors[0];
  if (a.errors.length > 1) {
    throw new GraphError(`${a.errors.length} errors in "${graph.name}":\n${a.errors.map((e) => e.message).join('\n')}`, a.errors[0].node);
  }
  return a;
}
