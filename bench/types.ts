/**
 * The benchmark's vocabulary: models, systems, result rows and the runner contract.
 * A row is one measurement: `{model, system, mode, batch, imagesPerSecond, latencyMs?}`, plus the
 * threads the system used and how many repetitions the median was taken over.
 */

export const MODELS = ['lenet5', 'vgg-small', 'resnet8'] as const;
export type ModelName = (typeof MODELS)[number];

/**
 * The six systems, plus `ort-bare`: a bare onnxruntime-node InferenceSession loop on the
 * same exported model, the reference that convlab-ort inference is compared with.
 */
export const SYSTEMS = ['convlab-core', 'convlab-ort', 'ort-bare', 'convnetjs', 'tfjs-cpu', 'tfjs-wasm', 'pytorch'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export type Mode = 'train' | 'infer';

export interface BenchRow {
  model: ModelName;
  system: SystemName;
  mode: Mode;
  batch: number;
  imagesPerSecond: number;
  /** Median time of one batch, for batch-1 inference rows (latency). */
  latencyMs?: number;
  /** Threads the system computed with (convlab-core has a 1-thread and a data-parallel train row). */
  threads: number;
  /** Timed repetitions behind the median. */
  reps: number;
  /** Anything the reader must know about this row (time-boxed, fewer repetitions...). */
  note?: string;
}

export interface Skip {
  system: SystemName;
  model?: ModelName;
  mode?: Mode;
  reason: string;
}

/** One input shape per model (NCHW without the batch). */
export const INPUT_SHAPES: Record<ModelName, readonly [number, number, number]> = {
  lenet5: [1, 28, 28],
  'vgg-small': [3, 32, 32],
  resnet8: [3, 32, 32],
};

export const CLASSES = 10;

/** How hard to measure. */
export interface TimingPlan {
  /** Untimed iterations before timing (JIT, allocation, thread pools). */
  warmup: number;
  /** Timed repetitions; the row reports their median. */
  reps: number;
  /** Each repetition runs whole iterations until it has lasted at least this long. */
  minRepSeconds: number;
  /** Time box per row: fewer repetitions (at least one) once it is used up. */
  rowBudgetSeconds: number;
}

export const FULL_PLAN: TimingPlan = { warmup: 2, reps: 5, minRepSeconds: 0.25, rowBudgetSeconds: 8 };
export const QUICK_PLAN: TimingPlan = { warmup: 1, reps: 2, minRepSeconds: 0, rowBudgetSeconds: 2 };

export interface BenchContext {
  plan: TimingPlan;
  /** Training / throughput batch (64 in the real run). */
  batch: number;
  /** Threads a multi-threaded system may use (the machine's cores). */
  threads: number;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
}

/** The outcome of one runner on one model: rows measured, or reasons it could not. */
export interface RunnerResult {
  rows: BenchRow[];
  skipped: Skip[];
}

export interface Runner {
  system: SystemName;
  /** Null when the system can run here; otherwise why it is skipped (missing package, no python3-torch...). */
  available(): Promise<string | null>;
  run(model: ModelName, ctx: BenchContext): Promise<RunnerResult>;
}
