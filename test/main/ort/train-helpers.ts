/**
 * Shared by the training-step tests: one optimizer step of the same model, weights and batch on the
 * core (computeGradients + optimizer + running stats) and on ONNX Runtime (the compiled step graph
 * with debug gradients), and a normwise relative error to compare them.
 */
import {
  Rng,
  Tensor,
  applyStateUpdate,
  cloneWeights,
  compileGraph,
  computeGradients,
  createOptimizer,
  encodeModel,
  initWeights,
  lossFromConfig,
  passSeed,
  type Gradients,
  type ModelGraph,
  type OptimizerConfig,
  type Weights,
} from '../../../core/index';
import { compileTrainGraph, dropoutMasks, LABELS_INPUT, LOSS_OUTPUT, LR_INPUT, STEP_INPUT } from '../../../core/onnx/train-graph';
import { createSession, releaseSession, runSession, type BoundaryTensor } from '../../../main/ort/adapter';

export interface StepResult {
  loss: number;
  logits: Float32Array;
  grads: Gradients;
  weights: Weights;
}

export interface BothSteps {
  core: StepResult;
  ort: StepResult;
  /** The weights both started from. */
  start: Weights;
}

/** max |a - b| / max |b| over a tensor (0 when both are zero). */
export function normRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The worst normwise relative error over every tensor of two records, with its key. */
export function worst(a: Gradients, b: Gradients): { err: number; key: string } {
  let out = { err: 0, key: '' };
  for (const [node, rec] of Object.entries(b)) {
    for (const [p, t] of Object.entries(rec)) {
      const other = a[node]?.[p];
      const err = other ? normRelErr(other.data, t.data) : Infinity;
      if (err > out.err || !other) out = { err, key: `${node}.${p}` };
    }
  }
  return out;
}

export function randomBatch(sample: number[], n: number, classes: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = new Rng(seed);
  const size = n * sample.reduce((s, d) => s * d, 1);
  const x = Tensor.from([n, ...sample], Array.from({ length: size }, () => rng.normal()));
  const y = Int32Array.from({ length: n }, () => rng.int(classes));
  return { x, y };
}

export async function stepBoth(
  graph: ModelGraph,
  optimizer: OptimizerConfig,
  opts: { n?: number; seed?: number; lr?: number; steps?: number; labels?: 'int64' | 'onehot'; smoothing?: number } = {},
): Promise<BothSteps> {
  const n = opts.n ?? 4;
  const seed = opts.seed ?? 3;
  const lr = opts.lr ?? 0.05;
  const steps = opts.steps ?? 1;
  const loss = { kind: 'softmax-cross-entropy', labelSmoothing: opts.smoothing } as const;
  const compiled = compileTrainGraph(graph, { optimizer, loss, debugGradients: true, labels: opts.labels });
  const w0 = initWeights(graph, new Rng(seed), { batch: 1 });
  // Non-trivial running stats and biases so their paths are exercised.
  const jitter = new Rng(seed + 7);
  for (const rec of Object.values(w0)) for (const t of Object.values(rec)) for (let i = 0; i < t.size; i++) if (t.data[i] === 0 || t.data[i] === 1) t.data[i] += 0.1 * jitter.normal();
  for (const rec of Object.values(w0)) if (rec.runningVar) rec.runningVar.data.forEach((v, i, d) => (d[i] = Math.abs(v) + 0.5));

  // Core.
  const cg = compileGraph(graph);
  const coreW = cloneWeights(w0);
  const optim = createOptimizer(optimizer);
  const lf = lossFromConfig(loss);
  let core: StepResult | null = null;
  const batches = Array.from({ length: steps }, (_, k) => randomBatch(compiled.sampleShape, n, compiled.classes, seed + 100 + k));
  for (let k = 0; k < steps; k++) {
    const r = computeGradients(cg, coreW, batches[k], { loss: lf, seed: passSeed(seed, k) });
    optim.step(coreW, r.grads, lr);
    applyStateUpdate(coreW, r.state);
    core = { loss: r.loss, logits: new Float32Array(0), grads: r.grads, weights: coreW };
  }

  // ORT.
  const handle = await createSession(encodeModel(compiled.model), { intraOpThreads: 1 });
  try {
    const state: Record<string, BoundaryTensor> = {};
    for (const p of compiled.params) {
      state[p.input] = { shape: p.shape, data: w0[p.node][p.param].data.slice() };
      for (const s of p.slots) state[s.input] = { shape: p.shape, data: new Float32Array(p.shape.reduce((a, d) => a * d, 1)) };
    }
    let ortRes: StepResult | null = null;
    for (let k = 0; k < steps; k++) {
      const { x, y } = batches[k];
      const labels: BoundaryTensor =
        compiled.labels === 'int64'
          ? { shape: [n], data: BigInt64Array.from(y, (v) => BigInt(v)) }
          : { shape: [n, compiled.classes], data: Float32Array.from({ length: n * compiled.classes }, (_, i) => (y[Math.floor(i / compiled.classes)] === i % compiled.classes ? 1 : 0)) };
      const feeds: Record<string, BoundaryTensor> = {
        ...state,
        [compiled.input]: { shape: [...x.shape], data: x.data },
        [LABELS_INPUT]: labels,
        [LR_INPUT]: { shape: [], data: Float32Array.of(lr) },
        [STEP_INPUT]: { shape: [], data: Float32Array.of(k + 1) },
      };
      const masks = dropoutMasks(compiled, n, passSeed(seed, k));
      for (const m of compiled.masks) feeds[m.input] = { shape: [n, ...m.sampleShape], data: masks[m.input] };
      const out = await runSession(handle, feeds);
      const grads: Gradients = {};
      const weights: Weights = {};
      for (const p of compiled.params) {
        const t = out[p.output];
        (weights[p.node] ??= {})[p.param] = new Tensor(p.shape, Float32Array.from(t.data as Float32Array));
        state[p.input] = t;
        for (const s of p.slots) state[s.input] = out[s.output];
        if (p.grad) (grads[p.node] ??= {})[p.param] = new Tensor(p.shape, Float32Array.from(out[p.grad].data as Float32Array));
      }
      ortRes = { loss: (out[LOSS_OUTPUT].data as Float32Array)[0], logits: out[compiled.logits].data as Float32Array, grads, weights };
    }
    if (!core || !ortRes) throw new Error('stepBoth: no steps');
    return { core, ort: ortRes, start: w0 };
  } finally {
    await releaseSession(handle);
  }
}

