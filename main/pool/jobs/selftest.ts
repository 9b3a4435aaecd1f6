/**
 * `selftest`: real core work in a worker. Each step runs one convolution forward pass over a
 * random batch (the core's Conv2D op when registered, else a GEMM of the same size) and reports
 * progress with throughput. `crashAtStep` + `crashMode` make the job fail on purpose, to prove
 * the pool's error handling: 'throw' fails the job, 'exit' and 'uncaught' kill the worker thread.
 */
import { z } from 'zod';
import { Rng, Tensor, hasOp, getOp } from '../../../core/index';
import { defineJob } from '../job';

export const selftestParams = z.strictObject({
  steps: z.int().min(1).max(10_000).default(20),
  /** Spatial size of the input (channels 8 -> 16, 3x3 kernel, batch 2). */
  size: z.int().min(4).max(256).default(32),
  seed: z.int().default(1),
  crashAtStep: z.int().min(0).optional(),
  crashMode: z.enum(['throw', 'exit', 'uncaught']).default('throw'),
});

export interface SelftestResult {
  engine: 'Conv2D' | 'gemm';
  steps: number;
  flops: number;
  ms: number;
  gflops: number;
  checksum: number;
}

const CIN = 8;
const COUT = 16;
const K = 3;
const BATCH = 2;

function randomTensor(shape: number[], rng: Rng): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * 0.5;
  return t;
}

/** out[m][n] = sum_k a[m][k] * b[k][n]: the same multiply-adds as the conv as an im2col GEMM. */
function gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      const row = p * n;
      const o = i * n;
      for (let j = 0; j < n; j++) out[o + j] += av * b[row + j];
    }
  }
  return out;
}

function makeStep(size: number, rng: Rng): { engine: SelftestResult['engine']; flops: number; step: () => Float32Array } {
  const x = randomTensor([BATCH, CIN, size, size], rng);
  if (hasOp('Conv2D')) {
    const op = getOp('Conv2D');
    const attrs = op.parseAttrs({ filters: COUT, kernel: K, padding: 1 });
    const params: Record<string, Tensor> = {};
    for (const spec of op.params([x.shape], attrs)) params[spec.name] = randomTensor([...spec.shape], rng);
    const ctx = { training: false, rng };
    return {
      engine: 'Conv2D',
      flops: op.flops([x.shape], attrs),
      step: () => op.forward([x], params, attrs, ctx).output.data,
    };
  }
  const m = COUT;
  const k = CIN * K * K;
  const n = BATCH * size * size;
  const w = randomTensor([m, k], rng).data;
  const cols = randomTensor([k, n], rng).data;
  return { engine: 'gemm', flops: 2 * m * k * n, step: () => gemm(w, cols, m, k, n) };
}

export const selftestJob = defineJob({
  kind: 'selftest',
  summary: 'Runs convolution forward passes in a worker and reports throughput (a pool and core self-test).',
  params: selftestParams,
  async run(p, ctx): Promise<SelftestResult> {
    const rng = new Rng(p.seed);
    const { engine, flops, step } = makeStep(p.size, rng);
    ctx.log(`selftest: ${p.steps} steps of ${engine} on ${BATCH}x${CIN}x${p.size}x${p.size}`);
    let checksum = 0;
    const t0 = performance.now();
    for (let s = 0; s < p.steps; s++) {
      ctx.throwIfCancelled();
      if (p.crashAtStep === s) await crash(p.crashMode, s);
      const out = step();
      for (let i = 0; i < out.length; i += 97) checksum += out[i];
      const ms = performance.now() - t0;
      ctx.progress(s + 1, p.steps, `step ${s + 1}/${p.steps}`, { gflops: (flops * (s + 1)) / (ms * 1e6) });
    }
    const ms = performance.now() - t0;
    return { engine, steps: p.steps, flops: flops * p.steps, ms, gflops: (flops * p.steps) / (ms * 1e6), checksum };
  },
});

async function crash(mode: 'throw' | 'exit' | 'uncaught', step: number): Promise<never> {
  if (mode === 'exit') process.exit(3);
  if (mode === 'uncaught') {
    // An exception outside the job's promise chain kills the worker thread; the job never settles.
    return new Promise<never>(() => {
      setTimeout(() => {
        throw new Error(`selftest: uncaught error at step ${step}`);
      });
    });
  }
  throw new Error(`selftest: failing on purpose at step ${step}`);
}
