/**
 * Live analysis for the editor: an adapter over core's analyzeGraph that keeps what the canvas
 * needs per node (output shape, parameter count, FLOPs, receptive field, the error that names
 * the cause). Cheap enough to run on every edit (a 200-node graph takes well under a frame).
 */
import { analyzeGraph, type ModelGraph, type ReceptiveField, type Shape } from '../../../../core/index';
import { memoLookup } from './memo-ops';

export interface NodeStats {
  /** Output shape including the batch dimension (batch 1 in the editor). */
  shape?: Shape;
  inputShapes: Shape[];
  params: number;
  trainableParams: number;
  /** FLOPs for one sample. */
  flops: number;
  /** Receptive field on the input (per spatial axis); null once there are no spatial axes. */
  rf: ReceptiveField | null;
  error?: string;
}

export interface GraphIssue {
  node?: string;
  message: string;
}

export interface Analysis {
  nodes: Map<string, NodeStats>;
  /** Every error, graph-level ones (no node) included, in the order core found them. */
  issues: GraphIssue[];
  order: string[];
  totalParams: number;
  trainableParams: number;
  totalFlops: number;
  /** Milliseconds the analysis took. */
  ms: number;
}

const lookup = memoLookup();

/** True when two graphs differ only in editor data (positions, groups): the analysis carries over. */
export function sameStructure(a: ModelGraph, b: ModelGraph): boolean {
  if (a === b) return true;
  if (a.outputs !== b.outputs && (a.outputs.length !== b.outputs.length || a.outputs.some((o, i) => o !== b.outputs[i]))) return false;
  if (a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return n === m || (n.name === m.name && n.op === m.op && n.inputs === m.inputs && n.attrs === m.attrs);
  });
}

export function analyze(graph: ModelGraph): Analysis {
  const t0 = performance.now();
  const result = analyzeGraph(graph, { batch: 1, lookup });
  const nodes = new Map<string, NodeStats>();
  for (const a of result.nodes) {
    nodes.set(a.name, {
      shape: a.outputShape,
      inputShapes: a.inputShapes,
      params: a.paramCount.total,
      trainableParams: a.paramCount.trainable,
      flops: a.flops,
      rf: a.rf,
    });
  }
  const issues: GraphIssue[] = [];
  // An empty canvas is a starting point, not a problem ("the graph has no outputs").
  for (const e of graph.nodes.length === 0 ? [] : result.errors) {
    issues.push(e.node !== undefined ? { node: e.node, message: e.message } : { message: e.message });
    if (e.node === undefined) continue;
    const prev = nodes.get(e.node);
    if (prev) prev.error = prev.error ?? e.message;
    else nodes.set(e.node, { inputShapes: [], params: 0, trainableParams: 0, flops: 0, rf: null, error: e.message });
  }
  return {
    nodes,
    issues,
    order: result.nodes.map((n) => n.name),
    totalParams: result.totals.params.total,
    trainableParams: result.totals.params.trainable,
    totalFlops: result.totals.flops,
    ms: performance.now() - t0,
  };
}

/** "1x6x28x28" -> "N×6×28×28" for edge labels. */
export function shapeLabel(shape: Shape | undefined): string {
  if (!shape || shape.length === 0) return '?';
  return ['N', ...shape.slice(1)].join('×');
}

/** 1234567 -> "1.23M". */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return `${n}`;
}

export function bytesLabel(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
