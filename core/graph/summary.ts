/**
 * A Keras-like summary of a graph: one row per node (name, op, output shape, params, FLOPs,
 * receptive field) as plain text lines, then totals (params, FLOPs, training-memory estimate).
 */
import { analyzeGraph, type AnalyzeOptions, type GraphAnalysis, type NodeAnalysis, type ReceptiveField } from './analyze';
import type { ModelGraph } from './types';

export interface SummaryRow {
  name: string;
  op: string;
  outputShape: string;
  params: string;
  flops: string;
  rf: string;
}

export interface GraphSummary {
  analysis: GraphAnalysis;
  rows: SummaryRow[];
  lines: string[];
  text: string;
}

/** 61706 -> "61,706". */
export function withCommas(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return n < 0 ? `-${out}` : out;
}

/** 2_300_000 -> "2.30M"; plain numbers below a thousand. */
export function humanCount(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(2)}${u}`;
  return String(n);
}

/** 3_500_000 -> "3.34 MiB". */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(2)} ${units[i]}`;
}

/** (N, 6, 28, 28) when the first dim is the batch; the literal shape otherwise. */
function shapeText(shape: readonly number[], batch: number, fixedBatch: boolean): string {
  const dims = shape.map(String);
  if (!fixedBatch && shape[0] === batch) dims[0] = 'N';
  return `(${dims.join(', ')})`;
}

/** "7", "16 (j4)", "3x5" per axis when they differ, "all" when global. */
export function rfText(rf: ReceptiveField | null): string {
  if (rf === null) return 'all';
  const same = (xs: number[]) => xs.every((x) => x === xs[0]);
  const sizes = rf.axes.map((a) => a.size);
  const jumps = rf.axes.map((a) => a.jump);
  const size = same(sizes) ? String(sizes[0]) : sizes.join('x');
  const jump = same(jumps) ? String(jumps[0]) : jumps.join('x');
  return jump === '1' ? size : `${size} (j${jump})`;
}

function rowOf(n: NodeAnalysis, batch: number, fixed: boolean): SummaryRow {
  return {
    name: n.name,
    op: n.op,
    outputShape: shapeText(n.outputShape, batch, fixed),
    params: withCommas(n.paramCount.total),
    flops: n.flops === 0 ? '0' : humanCount(n.flops),
    rf: rfText(n.rf),
  };
}

/** Build the summary. Invalid graphs still summarise the nodes that analysed, then list the errors. */
export function summarizeGraph(graph: ModelGraph, options: AnalyzeOptions = {}): GraphSummary {
  const analysis = analyzeGraph(graph, options);
  const batch = analysis.batch;
  // A graph whose inputs fix the first dim (graph nodes) is shown with literal shapes.
  const fixed = graph.nodes.some((n) => n.attrs.batch !== undefined);
  const rows = analysis.nodes.map((n) => rowOf(n, batch, fixed));
  const header: SummaryRow = { name: 'Layer', op: 'Op', outputShape: 'Output shape', params: 'Params', flops: 'FLOPs', rf: 'RF' };
  const keys: (keyof SummaryRow)[] = ['name', 'op', 'outputShape', 'params', 'flops', 'rf'];
  const right = new Set<keyof SummaryRow>(['params', 'flops', 'rf']);
  const width = new Map<keyof SummaryRow, number>();
  for (const k of keys) width.set(k, Math.max(...[header, ...rows].map((r) => r[k].length)));
  const fmt = (r: SummaryRow) =>
    keys
      .map((k) => (right.has(k) ? r[k].padStart(width.get(k) ?? 0) : r[k].padEnd(width.get(k) ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(fmt(header).length);
  const { params, flops, memory } = analysis.totals;
  const lines = [
    `Model "${graph.name}" (batch ${batch})`,
    rule,
    fmt(header),
    rule.replace(/-/g, '='),
    ...rows.map(fmt),
    rule,
    `Total params: ${withCommas(params.total)}`,
    `Trainable params: ${withCommas(params.trainable)}`,
    `Non-trainable params: ${withCommas(params.nonTrainable)}`,
    `FLOPs (forward, batch ${batch}): ${humanCount(flops)} (${withCommas(flops)})`,
    `Training memory estimate: ${humanBytes(memory.totalBytes)} (activations ${humanBytes(memory.activationBytes)}, params ${humanBytes(memory.paramBytes)}, grads ${humanBytes(memory.gradBytes)}, optimizer ${humanBytes(memory.optimizerBytes)})`,
  ];
  if (analysis.errors.length > 0) {
    lines.push(`${analysis.errors.length} error(s):`, ...analysis.errors.map((e) => `  ${e.message}`));
  }
  return { analysis, rows, lines, text: lines.join('\n') };
}
