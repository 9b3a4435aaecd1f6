/** Turns a timed step into a result row, and makes the synthetic batches every system is fed. */
import { timeSteps, type Step } from './timing';
import { CLASSES, INPUT_SHAPES, type BenchContext, type BenchRow, type Mode, type ModelName, type SystemName } from './types';
import { Rng } from '../core/index';

export interface RowSpec {
  model: ModelName;
  system: SystemName;
  mode: Mode;
  batch: number;
  threads: number;
  note?: string;
  /** A latency row (batch 1): also reports latencyMs. */
  latency?: boolean;
}

export async function measure(spec: RowSpec, step: Step, ctx: BenchContext): Promise<BenchRow> {
  const t = await timeSteps(step, ctx.plan);
  const notes = [spec.note, t.boxed ? `time-boxed: ${t.reps} rep(s) of ${t.iterations} iteration(s)` : undefined].filter((s) => s !== undefined);
  const row: BenchRow = {
    model: spec.model,
    system: spec.system,
    mode: spec.mode,
    batch: spec.batch,
    imagesPerSecond: spec.batch / t.seconds,
    threads: spec.threads,
    reps: t.reps,
  };
  if (spec.latency) row.latencyMs = t.seconds * 1000;
  if (notes.length > 0) row.note = notes.join('; ');
  const lat = row.latencyMs === undefined ? '' : `, ${row.latencyMs.toFixed(2)} ms`;
  ctx.log(`  ${spec.system.padEnd(12)} ${spec.model.padEnd(9)} ${spec.mode} b${spec.batch} t${spec.threads}: ${row.imagesPerSecond.toFixed(1)} images/s${lat} (${t.reps}x${t.iterations})`);
  return row;
}

/**
 * The batch a slow system can afford inside a row's time box: the throughput batch, or the largest
 * power of two (at least 1) whose iteration fits in half the box, judged from a probe's time per
 * image. Rows measured at a smaller batch say so in their `batch` field and note.
 */
export function affordableBatch(ctx: BenchContext, secondsPerImage: number): number {
  const fit = ctx.plan.rowBudgetSeconds / 2 / Math.max(secondsPerImage, 1e-9);
  if (fit >= ctx.batch) return ctx.batch;
  let b = 1;
  while (b * 2 <= fit && b * 2 < ctx.batch) b *= 2;
  return b;
}

export function reducedNote(batch: number, ctx: BenchContext): string | undefined {
  return batch < ctx.batch ? `time-boxed: batch ${batch} instead of ${ctx.batch} (one batch of ${ctx.batch} would not fit the ${ctx.plan.rowBudgetSeconds} s box)` : undefined;
}

export interface SyntheticBatch {
  /** NCHW values in [-1, 1). */
  x: Float32Array;
  labels: Int32Array;
  shape: [number, number, number, number];
}

/** A seeded random batch: speed does not depend on the values, and every system gets the same ones. */
export function syntheticBatch(model: ModelName, batch: number, seed = 1): SyntheticBatch {
  const [c, h, w] = INPUT_SHAPES[model];
  const rng = new Rng(seed);
  const x = new Float32Array(batch * c * h * w);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng.next() - 1;
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = rng.int(CLASSES);
  return { x, labels, shape: [batch, c, h, w] };
}

/** NCHW -> NHWC (tfjs and ConvNetJS keep channels last). */
export function toNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i];
  return out;
}
