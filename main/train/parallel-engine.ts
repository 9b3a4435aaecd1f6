/**
 * Data-parallel gradients over worker threads: each batch is cut into `threads` contiguous shards;
 * the main thread computes shard 0 while the workers compute the others against the same shared
 * weights; the shards' gradients (each scaled by shard/batch size) are summed, so the optimizer
 * sees the gradient of the whole batch. Results match the single-threaded engine up to float
 * summation order; with BatchNorm each shard normalises with its own statistics (as unsynced
 * data-parallel BatchNorm does elsewhere) and the running stats are the shard-size-weighted mean.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  Tensor,
  combineResults,
  compileGraph,
  computeGradients,
  lossFromConfig,
  passSeed,
  type Batch,
  type CompiledGraph,
  type GradientEngine,
  type GradientResult,
  type LossConfig,
  type LossFn,
  type ModelGraph,
  type StateUpdate,
  type Weights,
  type Gradients,
} from '../../core/index';
import type { FromWorker, ToWorker } from './protocol';
import { shareWeights, slotKey, viewsOf, type Layout } from './shared-weights';

export interface ParallelOptions {
  /** Total threads including the main thread (>= 1). */
  threads: number;
  loss: LossConfig;
  seed: number;
  /** The built worker bundle; default: train-worker.js next to the running bundle. */
  workerFile?: string | URL;
}

interface Helper {
  worker: Worker;
  grads: Weights;
  pending: Map<number, { resolve: (m: Extract<FromWorker, { type: 'done' }>) => void; reject: (e: Error) => void }>;
}

/** Contiguous shard boundaries: sizes differ by at most one. */
export function shardBounds(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < parts; k++) {
    const a = Math.floor((k * n) / parts);
    const b = Math.floor(((k + 1) * n) / parts);
    if (b > a) out.push([a, b]);
  }
  return out;
}

interface RawShard {
  shape: number[];
  x: Float32Array<ArrayBuffer>;
  y: Int32Array<ArrayBuffer>;
}

function sliceBatch(batch: Batch, a: number, b: number): RawShard {
  const per = batch.x.size / Math.max(1, batch.x.shape[0]);
  return { shape: [b - a, ...batch.x.shape.slice(1)], x: batch.x.data.slice(a * per, b * per), y: batch.y.slice(a, b) };
}

/** Wall-clock figures summed over the steps so far: how busy each thread was and how long steps took. */
export interface EngineStats {
  steps: number;
  stepMs: number;
  /** Main thread's own shard. */
  localMs: number;
  /** Per worker, time inside computeGradients. */
  workerMs: number[];
}

export class ParallelGradientEngine implements GradientEngine {
  private nextId = 0;
  readonly stats: EngineStats;
  private constructor(
    private readonly cg: CompiledGraph,
    private readonly loss: LossFn,
    private readonly helpers: Helper[],
    private readonly layout: Layout,
    private readonly seed: number,
    /** The shared weights the trainer must update in place. */
    readonly weights: Weights,
  ) {
    this.stats = { steps: 0, stepMs: 0, localMs: 0, workerMs: helpers.map(() => 0) };
  }

  /** Moves the weights into shared memory (use `engine.weights` from then on) and starts threads-1 workers. */
  static async create(graph: ModelGraph, weights: Weights, opts: ParallelOptions): Promise<ParallelGradientEngine> {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new Error(`train: threads must be a positive integer, got ${opts.threads}`);
    const cg = compileGraph(graph);
    const shared = shareWeights(weights);
    const file = opts.workerFile ?? new URL('./train-worker.js', import.meta.url);
    const helpers: Helper[] = [];
    try {
      for (let k = 1; k < opts.threads; k++) helpers.push(await startHelper(file, graph, shared.layout, shared.buffer, opts.loss));
    } catch (e) {
      await Promise.all(helpers.map((h) => h.worker.terminate()));
      throw e;
    }
    return new ParallelGradientEngine(cg, lossFromConfig(opts.loss), helpers, shared.layout, opts.seed, shared.weights);
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  async compute(weights: Weights, batch: Batch, step: number): Promise<GradientResult> {
    const t0 = performance.now();
    const n = batch.y.length;
    const bounds = shardBounds(n, this.threads);
    const waits: Promise<GradientResult>[] = [];
    for (let k = 1; k < bounds.length; k++) {
      const [a, b] = bounds[k];
      waits.push(this.remote(this.helpers[k - 1], sliceBatch(batch, a, b), (b - a) / n, passSeed(this.seed, step, k)));
    }
    const [a0, b0] = bounds[0];
    const own = sliceBatch(batch, a0, b0);
    const t1 = performance.now();
    const local = computeGradients(this.cg, weights, { x: new Tensor(own.shape, own.x), y: own.y }, { loss: this.loss, seed: passSeed(this.seed, step, 0), scale: (b0 - a0) / n });
    this.stats.localMs += performance.now() - t1;
    const remote = await Promise.all(waits);
    const out = combineResults([local, ...remote]);
    this.stats.steps++;
    this.stats.stepMs += performance.now() - t0;
    return out;
  }

  private remote(h: Helper, shard: RawShard, scale: number, seed: number): Promise<GradientResult> {
    const id = this.nextId++;
    const done = new Promise<Extract<FromWorker, { type: 'done' }>>((resolve, reject) => h.pending.set(id, { resolve, reject }));
    const msg: ToWorker = { type: 'step', id, shape: shard.shape, x: shard.x, y: shard.y, scale, seed };
    h.worker.postMessage(msg, [shard.x.buffer, shard.y.buffer]);
    const k = this.helpers.indexOf(h);
    return done.then((m) => {
      this.stats.workerMs[k] += m.busyMs;
      const grads: Gradients = {};
      const keys = new Set(m.written);
      for (const s of this.layout.slots) {
        if (keys.has(slotKey(s.node, s.param))) (grads[s.node] ??= {})[s.param] = h.grads[s.node][s.param];
      }
      const state: StateUpdate = {};
      for (const e of m.state) (state[e.node] ??= {})[e.param] = new Tensor(e.shape, e.data);
      return { loss: m.loss, correct: m.correct, count: m.count, grads, state };
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}

function startHelper(file: string | URL, graph: ModelGraph, layout: Layout, weights: SharedArrayBuffer, loss: LossConfig): Promise<Helper> {
  const worker = new Worker(file);
  const gradBuffer = new SharedArrayBuffer(layout.size * 4);
  const helper: Helper = { worker, grads: viewsOf(layout, new Float32Array(gradBuffer)), pending: new Map() };
  return new Promise<Helper>((resolve, reject) => {
    const failAll = (err: Error): void => {
      reject(err);
      for (const p of helper.pending.values()) p.reject(err);
      helper.pending.clear();
    };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') resolve(helper);
      else if (m.type === 'done') {
        helper.pending.get(m.id)?.resolve(m);
        helper.pending.delete(m.id);
      } else {
        const err = new Error(m.message);
        if (m.id < 0) failAll(err);
        helper.pending.get(m.id)?.reject(err);
        helper.pending.delete(m.id);
      }
    });
    worker.on('error', (e) => failAll(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (helper.pending.size > 0) failAll(new Error(`train worker exited with code ${code} during a step`));
    });
    const init: ToWorker = { type: 'init', graph, layout, weights, grads: gradBuffer, loss };
    worker.postMessage(init);
  });
}
