/**
 * Training runs as the project keeps them (the contract's ProjectRun): built from the train job's
 * result (which crosses the contract untyped, so it is read field by field), and drawn together
 * as overlay curves so several runs compare on one chart. Pure; no Svelte.
 */
import type { ProjectRun, TrainingSettings } from '../../../../main/contract/types';

export interface TrainResult {
  runDir?: string;
  backend?: 'core' | 'ort';
  fallbackReason?: string;
  epochs: ProjectRun['epochs'];
  testAccuracy?: number;
  testLoss?: number;
  confusion?: number[][];
  classNames: string[];
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : undefined;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function readTrainResult(v: unknown): TrainResult {
  const r = rec(v) ?? {};
  const epochs: ProjectRun['epochs'] = [];
  for (const raw of Array.isArray(r.epochs) ? r.epochs : []) {
    const e = rec(raw);
    if (!e || !finite(e.epoch) || !finite(e.trainLoss) || !finite(e.trainAccuracy)) continue;
    const point: ProjectRun['epochs'][number] = {
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      trainAccuracy: e.trainAccuracy,
      lr: finite(e.lr) ? e.lr : 0,
      seconds: finite(e.seconds) ? e.seconds : 0,
      imagesPerSec: finite(e.imagesPerSec) ? e.imagesPerSec : 0,
    };
    if (finite(e.valLoss)) point.valLoss = e.valLoss;
    if (finite(e.valAccuracy)) point.valAccuracy = e.valAccuracy;
    epochs.push(point);
  }
  const confusion = Array.isArray(r.confusion) && r.confusion.every((row) => Array.isArray(row) && row.every(finite)) ? r.confusion.map((row: number[]) => [...row]) : undefined;
  const out: TrainResult = { epochs, classNames: Array.isArray(r.classNames) ? r.classNames.filter((c): c is string => typeof c === 'string') : [] };
  if (typeof r.runDir === 'string') out.runDir = r.runDir;
  if (r.backend === 'core' || r.backend === 'ort') out.backend = r.backend;
  if (typeof r.fallbackReason === 'string') out.fallbackReason = r.fallbackReason;
  if (finite(r.testAccuracy)) out.testAccuracy = r.testAccuracy;
  if (finite(r.testLoss)) out.testLoss = r.testLoss;
  if (confusion) out.confusion = confusion;
  return out;
}

export function runFromResult(
  id: string,
  times: { startedAt: number; endedAt?: number },
  status: ProjectRun['status'],
  dataset: string,
  settings: TrainingSettings,
  result: TrainResult | undefined,
  message?: string,
): ProjectRun {
  const run: ProjectRun = { id, startedAt: times.startedAt, status, dataset, settings: { ...settings }, epochs: result?.epochs ?? [] };
  if (times.endedAt !== undefined) run.endedAt = times.endedAt;
  if (result?.backend) run.backend = result.backend;
  if (result?.fallbackReason) run.fallbackReason = result.fallbackReason;
  if (result?.testAccuracy !== undefined) run.testAccuracy = result.testAccuracy;
  if (result?.testLoss !== undefined) run.testLoss = result.testLoss;
  if (result?.confusion) run.confusion = result.confusion;
  if (result?.runDir) run.runDir = result.runDir;
  if (message) run.message = message;
  return run;
}

export const RUN_COLORS = ['#3563e9', '#dc6803', '#067647', '#c11574', '#7a5af8', '#0086c9', '#b54708', '#4e5ba6'];

export type RunMetric = 'trainLoss' | 'valLoss' | 'trainAccuracy' | 'valAccuracy';

/** One series per run: the metric per epoch (runs without it give no points). */
export function overlaySeries(runs: readonly ProjectRun[], metric: RunMetric): { label: string; color: string; points: { x: number; y: number }[] }[] {
  return runs.map((r, i) => ({
    label: runLabel(r, i),
    color: RUN_COLORS[i % RUN_COLORS.length],
    points: r.epochs.flatMap((e) => {
      const y = e[metric];
      return y === undefined ? [] : [{ x: e.epoch, y }];
    }),
  }));
}

export function runLabel(r: ProjectRun, i: number): string {
  const s = r.settings;
  return `#${i + 1} ${s.optimizer} lr ${s.lr} b${s.batchSize}${s.subset ? ` n${s.subset}` : ''}`;
}

/** Row-normalised confusion (each true class's row sums to 1; empty rows stay 0). */
export function normalizeRows(m: readonly (readonly number[])[]): number[][] {
  return m.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (sum > 0 ? v / sum : 0));
  });
}
