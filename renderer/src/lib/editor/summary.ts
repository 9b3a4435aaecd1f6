/**
 * The side panel's numbers: a per-layer summary table, the largest receptive field, and core's
 * estimate of the memory training needs at a batch size (float32 weights + gradients +
 * optimizer state + every activation kept for backward).
 */
import { analyzeGraph, type MemoryEstimate, type ModelGraph } from '../../../../core/index';
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

/** Largest receptive field over the nodes that still have spatial axes, e.g. before Flatten. */
export function largestReceptiveField(analysis: Analysis): { node: string; size: number; jump: number } | undefined {
  let best: { node: string; size: number; jump: number } | undefined;
  for (const name of analysis.order) {
    const rf = analysis.nodes.get(name)?.rf;
    if (rf && (!best || rf.size > best.size)) best = { node: name, ...rf };
  }
  return best;
}

export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

const OPTIMIZER_SLOTS: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, adam: 2 };

/** Bytes for one training step at `batch`: core's estimate (weights, grads, optimizer state, activations). */
export function trainingMemory(graph: ModelGraph, batch: number, optimizer: OptimizerKind = 'adam'): MemoryEstimate | undefined {
  const a = analyzeGraph(graph, { batch, optimizerSlots: OPTIMIZER_SLOTS[optimizer] });
  return a.nodes.length > 0 ? a.totals.memory : undefined;
}
