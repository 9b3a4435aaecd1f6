/**
 * `selftest`: real core work in a worker. Each step runs the core's Conv2D forward over a random
 * batch (2x8xSxS -> 16 filters, 3x3, padded) and reports progress with throughput. `crashAtStep` + `crashMode` make the job fail on purpose, to prove
 * the pool's error handling: 'throw' fails the job, 'exit' and 'uncaught' kill the worker thread.
 */
import { z } from 'zod';
import { Rng, Tensor, getOp } from '../../../core/index';
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
  engine: 'Conv2D';
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

function makeStep(size: number, rng: Rng): { flops: number; step: () => Float32Array } {
  const op = getOp('Conv2D');
  const x = randomTensor([BATCH, CIN, size, size], rng);
  const attrs = op.parseAttrs({ filters: COUT, kernel: K, pads: [1, 1, 1, 1] });
  const params: Record<string, Tensor> = {};
  for (const spec of op.params([x.shape], attrs)) params[spec.name] = randomTensor([...spec.shape], rng);
  const ctx = { training: false, rng };
  return { flops: op.flops([x.shape], attrs), step: () => op.forward([x], params, attrs, ctx).output.data };
}

export const selftestJob = defineJob({
  kind: 'selftest',
  summary: 'Runs convolution forward passes in a worker and reports throughput (a pool and core self-test).',
  params: selftestParams,
  async run(p, ctx): Promise<SelftestResult> {
    const rng = new Rng(p.seed);
    const engine = 'Conv2D';
    const { flops, step } = makeStep(p.size, rng);
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
