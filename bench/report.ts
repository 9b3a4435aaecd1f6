/**
 * The printed table and the ratios the issues ask for. Per model, one line per system (and per
 * thread count for convlab-core): training images/s and inference images/s at the throughput
 * batch, inference latency at batch 1.
 */
import { MODELS, SYSTEMS, type BenchRow, type ModelName, type Skip, type SystemName } from './types';

export interface Ratio {
  label: string;
  model: ModelName;
  /** numerator / denominator, or null when one side was not measured. */
  value: number | null;
  detail: string;
}

interface Line {
  model: ModelName;
  system: SystemName;
  label: string;
  train?: BenchRow;
  infer?: BenchRow;
  latencyMs?: number;
}

/** Rows grouped into table lines; convlab-core's train rows at different thread counts get their own lines. */
export function tableLines(rows: readonly BenchRow[], batch: number): Line[] {
  const lines: Line[] = [];
  for (const model of MODELS) {
    for (const system of SYSTEMS) {
      const mine = rows.filter((r) => r.model === model && r.system === system);
      if (mine.length === 0) continue;
      const trainThreads = [...new Set(mine.filter((r) => r.mode === 'train').map((r) => r.threads))].sort((a, b) => a - b);
      const inferRow = mine.find((r) => r.mode === 'infer' && r.latencyMs === undefined);
      const latRow = mine.find((r) => r.mode === 'infer' && r.latencyMs !== undefined);
      const variants = trainThreads.length > 1 ? trainThreads : [trainThreads[0]];
      variants.forEach((t, i) => {
        const train = mine.find((r) => r.mode === 'train' && r.threads === t);
        const label = trainThreads.length > 1 ? `${system} (${t} thread${t === 1 ? '' : 's'})` : system;
        const line: Line = { model, system, label, train };
        if (i === 0) {
          line.infer = inferRow;
          line.latencyMs = latRow?.latencyMs;
        }
        lines.push(line);
      });
    }
  }
  return lines;
}

function num(v: number | undefined, digits = 0): string {
  if (v === undefined) return '-';
  if (digits > 0) return v.toFixed(digits);
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return Math.round(v).toLocaleString('en-US');
}

/** Images/s of a throughput row, with its batch when the time box made it smaller than the table's. */
function rate(r: BenchRow | undefined, batch: number): string {
  if (!r) return '-';
  return r.batch === batch ? num(r.imagesPerSecond) : `${num(r.imagesPerSecond)} (b${r.batch})`;
}

export function formatTable(rows: readonly BenchRow[], batch: number): string[] {
  const head = ['model', 'system', `train img/s (b${batch})`, `infer img/s (b${batch})`, 'latency ms (b1)'];
  const body = tableLines(rows, batch).map((l) => [l.model, l.label, rate(l.train, batch), rate(l.infer, batch), num(l.latencyMs, 2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)];
}

export function formatMarkdown(rows: readonly BenchRow[], batch: number): string[] {
  const out = [`| model | system | train img/s (b${batch}) | infer img/s (b${batch}) | latency ms (b1) |`, '|---|---|---:|---:|---:|'];
  for (const l of tableLines(rows, batch)) out.push(`| ${l.model} | ${l.label} | ${rate(l.train, batch)} | ${rate(l.infer, batch)} | ${num(l.latencyMs, 2)} |`);
  return out;
}

/** The fastest throughput row (not a latency row) of a system; a time-boxed row may have a smaller batch. */
function best(rows: readonly BenchRow[], model: ModelName, system: SystemName, mode: 'train' | 'infer'): BenchRow | undefined {
  return rows
    .filter((r) => r.model === model && r.system === system && r.mode === mode && r.latencyMs === undefined)
    .sort((a, b) => b.imagesPerSecond - a.imagesPerSecond)[0];
}

/** The comparisons of issues 3 and 5, at the throughput batch. */
export function computeRatios(rows: readonly BenchRow[], batch: number, models: readonly ModelName[] = MODELS): Ratio[] {
  const pairs: [string, SystemName, SystemName, 'train' | 'infer'][] = [
    ['core vs ConvNetJS, train', 'convlab-core', 'convnetjs', 'train'],
    ['core vs tfjs-cpu, train', 'convlab-core', 'tfjs-cpu', 'train'],
    ['ORT vs PyTorch, train', 'convlab-ort', 'pytorch', 'train'],
    ['ORT vs PyTorch, infer', 'convlab-ort', 'pytorch', 'infer'],
    ['ORT-infer vs bare ORT', 'convlab-ort', 'ort-bare', 'infer'],
    ['ORT vs core, train', 'convlab-ort', 'convlab-core', 'train'],
    ['ORT vs core, infer', 'convlab-ort', 'convlab-core', 'infer'],
  ];
  const out: Ratio[] = [];
  for (const [label, a, b, mode] of pairs) {
    for (const model of models) {
      const ra = best(rows, model, a, mode);
      const rb = best(rows, model, b, mode);
      const value = ra && rb ? ra.imagesPerSecond / rb.imagesPerSecond : null;
      const side = (s: SystemName, r: BenchRow | undefined) =>
        r ? `${s}${r.system === 'convlab-core' ? ` ${r.threads}t` : ''} ${num(r.imagesPerSecond)}${r.batch === batch ? '' : ` at b${r.batch}`}` : `${s} not measured`;
      out.push({ label, model, value, detail: `${side(a, ra)} / ${side(b, rb)}` });
    }
  }
  return out;
}

export function formatRatios(ratios: readonly Ratio[]): string[] {
  const width = Math.max(...ratios.map((r) => r.label.length + r.model.length + 3));
  return ratios.map((r) => `${`${r.label} (${r.model})`.padEnd(width)}  ${r.value === null ? '   n/a' : `${r.value.toFixed(2).padStart(6)}x`}  ${r.detail}`);
}

export function formatSkips(skipped: readonly Skip[]): string[] {
  return skipped.map((s) => `skipped ${s.system}${s.model ? ` ${s.model}` : ''}${s.mode ? ` ${s.mode}` : ''}: ${s.reason}`);
}
