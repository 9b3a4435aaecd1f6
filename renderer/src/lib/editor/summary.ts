/**
 * The side panel's numbers: a per-layer summary table, the receptive field at the outputs, and
 * an estimate of the memory training needs at a batch size. The estimate is explained, not magic:
 * float32 weights + gradients + optimizer state, plus every activation kept for backward and
 * its gradient, at the chosen batch.
 */
import { sizeOf, type ModelGraph } from '../../../../core/index';
import type { Analysis } from './analysis';

export interface SummaryRow {
  name: string;
  op: string;
  shape?: readonly number[];
  params: number;
  flops: number;
  error?: string;
}

export function summaryRows(graph: ModelGraph, analysis: Analysis): SummaryRow[] {
  const rank = new Map(analysis.order.map((n, i) => [n, i]));
  const rows = graph.nodes.map((n): SummaryRow => {
    const s = analysis.nodes.get(n.name);
    return { name: n.name, op: n.op, shape: s?.shape, params: s?.params ?? 0, flops: s?.flops ?? 0, error: s?.error };
  });
  return rows.sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
}

/** Largest receptive field over the graph outputs, per spatial axis ("32×32"), or undefined. */
export function outputReceptiveField(graph: ModelGraph, analysis: Analysis): { size: number[]; jump: number[] } | undefined {
  let best: { size: number[]; jump: number[] } | undefined;
  for (const out of graph.outputs) {
    const rf = analysis.nodes.get(out)?.rf;
    if (rf && (!best || rf.size[0] > best.size[0])) best = rf;
  }
  return best;
}

export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

export interface MemoryEstimate {
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  total: number;
}

const F32 = 4;
const OPTIMIZER_SLOTS: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, adam: 2 };

/** Bytes for one training step at `batch` (activations and their gradients scale with batch). */
export function trainingMemory(analysis: Analysis, batch: number, optimizer: OptimizerKind = 'adam'): MemoryEstimate {
  let perSample = 0;
  for (const stats of analysis.nodes.values()) {
    if (stats.shape) perSample += sizeOf(stats.shape.slice(1));
  }
  const weights = analysis.totalParams * F32;
  const gradients = analysis.trainableParams * F32;
  const opt = analysis.trainableParams * F32 * OPTIMIZER_SLOTS[optimizer];
  const activations = 2 * perSample * batch * F32;
  return { weights, gradients, optimizer: opt, activations, total: weights + gradients + opt + activations };
}
