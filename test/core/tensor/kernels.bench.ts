/**
 * Kernel benchmarks (single thread): `npx vitest bench --run --project unit test/core/tensor/kernels.bench.ts`.
 * Each case logs GFLOP/s (2 x multiply-adds / time) next to vitest's table; conv cases count the
 * forward (1x) or forward + both backward GEMMs (3x) of the layer at batch 64.
 */
import { bench, describe } from 'vitest';
import { gemm, gemmJs } from '../../../core/tensor/gemm';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { convBackward, convForward, parseConvAttrs } from '../../../core/ops/conv';
import { maxPool2d } from '../../../core/ops/pool';

function rand(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function report(name: string, flops: number, fn: () => void): void {
  // A short self-timed loop so the figure is printed even where vitest's table is not kept.
  // Timed in this process's CPU time, not wall time: the shared 2-core machine is often busy.
  for (let i = 0; i < 2; i++) fn();
  let reps = 0;
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const t0 = cpu();
  let t = t0;
  while (t - t0 < 1500 || reps < 2) {
    fn();
    reps++;
    t = cpu();
  }
  console.log(`${name}: ${((flops * reps) / ((t - t0) / 1000) / 1e9).toFixed(2)} GFLOP/s (${((t - t0) / reps).toFixed(2)} ms CPU/call)`);
}

function gemmCase(name: string, tA: boolean, tB: boolean, m: number, n: number, k: number): () => void {
  const a = rand(m * k, 1);
  const b = rand(k * n, 2);
  const c = new Float32Array(m * n);
  report(`gemmJs ${name} ${m}x${n}x${k}`, 2 * m * n * k, () => gemmJs(tA, tB, m, n, k, 1, a, 0, tA ? m : k, b, 0, tB ? k : n, 0, c, 0, n));
  return gemmSimdCase(name, tA, tB, m, n, k);
}

function gemmSimdCase(name: string, tA: boolean, tB: boolean, m: number, n: number, k: number): () => void {
  const a = rand(m * k, 1);
  const b = rand(k * n, 2);
  const c = new Float32Array(m * n);
  const fn = () => gemm(tA, tB, m, n, k, 1, a, 0, tA ? m : k, b, 0, tB ? k : n, 0, c, 0, n);
  report(`gemm ${name} ${m}x${n}x${k}`, 2 * m * n * k, fn);
  return fn;
}

function convCase(name: string, shape: number[], filters: number, kernel: number, pads: number): { fwd: () => void; step: () => void } {
  const a = parseConvAttrs({ filters, kernel, pads }, 2);
  const x = new Tensor(shape, rand(shape.reduce((u, v) => u * v, 1), 3));
  const w = new Tensor([filters, shape[1], kernel, kernel], rand(filters * shape[1] * kernel * kernel, 4));
  const bias = new Tensor([filters]);
  const y = convForward(x, w, bias, a);
  const flops = 2 * y.size * shape[1] * kernel * kernel;
  const fwd = () => void convForward(x, w, bias, a);
  const step = () => {
    convForward(x, w, bias, a);
    convBackward(y, x, w, true, a);
  };
  report(`conv ${name} fwd`, flops, fwd);
  report(`conv ${name} fwd+bwd`, 3 * flops, step);
  return { fwd, step };
}

describe('gemm', () => {
  const sq = gemmCase('NN', false, false, 256, 256, 256);
  const conv = gemmCase('NN conv-shaped (VGG conv2 fwd, 16 images)', false, false, 32, 16384, 288);
  const wgrad = gemmCase('NT conv-shaped (VGG conv2 dW)', false, true, 32, 288, 16384);
  const dgrad = gemmCase('TN conv-shaped (VGG conv2 dcols)', true, false, 288, 16384, 32);
  bench('256x256x256', sq);
  bench('32x16384x288', conv);
  bench('NT 32x288x16384', wgrad);
  bench('TN 288x16384x32', dgrad);
});

describe('conv layers, batch 64', () => {
  const lenet1 = convCase('LeNet c1 1->6 5x5 pad2 28x28', [64, 1, 28, 28], 6, 5, 2);
  const lenet2 = convCase('LeNet c2 6->16 5x5 14x14', [64, 6, 14, 14], 16, 5, 0);
  const vgg2 = convCase('VGG 32->32 3x3 32x32', [64, 32, 32, 32], 32, 3, 1);
  const vgg4 = convCase('VGG 64->64 3x3 16x16', [64, 64, 16, 16], 64, 3, 1);
  bench('LeNet c1 step', lenet1.step);
  bench('LeNet c2 step', lenet2.step);
  bench('VGG 32->32 step', vgg2.step, { iterations: 3 });
  bench('VGG 64->64 step', vgg4.step, { iterations: 3 });
});

describe('max pool 2x2, batch 64', () => {
  for (const shape of [[64, 6, 28, 28], [64, 32, 32, 32]]) {
    const x = new Tensor(shape, rand(shape.reduce((u, v) => u * v, 1), 5));
    const a = maxPool2d.parseAttrs({ kernel: 2 });
    const ctx = { training: true, rng: new Rng(1) };
    const step = () => {
      const r = maxPool2d.forward([x], {}, a, ctx);
      maxPool2d.backward(r.output, r.saved, [x], {}, a);
    };
    // "GFLOP/s" here is input elements / ns: one compare per input element
    report(`maxpool ${shape.join('x')} fwd+bwd (Gelem/s)`, x.size, step);
    bench(`maxpool ${shape.join('x')}`, step);
  }
});
