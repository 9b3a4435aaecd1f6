/**
 * The SIMD panel route of Conv (conv-panels.ts) against the portable im2col route on shapes large
 * enough to cross every block edge the oracle's small cases never reach: K slices past 512, more
 * than 256 column-matrix rows (input-gradient GEMM), more than 2048 image columns, several chunks,
 * groups, stride, dilation, padding and ceil-mode overhang.
 */
import { describe, expect, it } from 'vitest';
import { convBackward, convBackwardFor, convBackwardIm2col, convForward, convForwardIm2col, parseConvAttrs, planConv } from '../../../core/ops/conv';
import type { RawAttrs } from '../../../core/ops/types';
import { simdAvailable } from '../../../core/tensor/gemm-simd';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';

function rand(shape: number[], rng: Rng): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

/** Largest |a-b| relative to 1e-4 * (1 + |b|) * sqrt(terms). */
function worst(a: Float32Array, b: Float32Array, terms: number): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (1e-4 * (1 + Math.abs(b[i])) * Math.sqrt(terms)));
  return w;
}

const cases: [string, number[], RawAttrs][] = [
  ['vgg conv2_2 shape: K = 576 (two slices), 576 rows for dx', [3, 64, 16, 16], { filters: 64, kernel: 3, pads: 1 }],
  ['lenet conv1: one channel, 25 taps, > 2048 columns', [5, 1, 28, 28], { filters: 6, kernel: 5, pads: 2 }],
  ['no padding (input read directly), groups 2', [4, 6, 14, 14], { filters: 16, kernel: 5, groups: 2 }],
  ['stride 2, dilation 2, asymmetric pads, ceil overhang', [3, 5, 17, 12], { filters: 7, kernel: [3, 2], stride: 2, dilation: 2, pads: [1, 0, 2, 1], ceil: true }],
  ['1-d and wide K (1100 taps): three K slices', [2, 100, 40], { filters: 9, kernel: 11, pads: 3 }],
];

describe('Conv SIMD panel route', () => {
  it('runs on Node (so the route compared here is the one the op takes)', () => {
    expect(simdAvailable()).toBe(true);
  });

  it.each(cases)('%s: forward and all gradients equal the im2col route', (_name, shape, raw) => {
    const rank = shape.length - 2;
    const a = parseConvAttrs(raw, rank);
    const p = planConv(shape, a);
    const rng = new Rng(shape.reduce((u, v) => u + v, 0));
    const x = rand(shape, rng);
    const w = rand([a.filters, p.cg, ...a.kernel], rng);
    const b = rand([a.filters], rng);
    const y = convForward(x, w, b, a);
    const yRef = convForwardIm2col(p, x, w, b, new Tensor(p.outShape));
    expect(worst(y.data, yRef.data, p.rows)).toBeLessThanOrEqual(1);
    const dy = rand(p.outShape, rng);
    const g = convBackward(dy, x, w, true, a);
    const r = convBackwardIm2col(dy, x, w, true, a);
    expect(worst(g.dx.data, r.dx.data, p.fg * p.rows)).toBeLessThanOrEqual(1);
    expect(worst(g.dw.data, r.dw.data, p.n * p.outSize)).toBeLessThanOrEqual(1);
    expect(worst(g.db?.data ?? new Float32Array(0), r.db?.data ?? new Float32Array(0), p.n * p.outSize)).toBeLessThanOrEqual(1);
    // without the input gradient: same weight/bias gradients, no dx
    const s = convBackwardFor(dy, x, w, true, a, false);
    expect(s.dx).toBeNull();
    expect(Array.from(s.dw.data)).toEqual(Array.from(g.dw.data));
    expect(Array.from(s.db?.data ?? [])).toEqual(Array.from(g.db?.data ?? []));
  });

  it('a changed tap is caught (the comparison can fail)', () => {
    const a = parseConvAttrs({ filters: 4, kernel: 3, pads: 1 }, 2);
    const p = planConv([2, 3, 9, 9], a);
    const rng = new Rng(3);
    const x = rand([2, 3, 9, 9], rng);
    const w = rand([4, 3, 3, 3], rng);
    const y = convForward(x, w, undefined, a);
    w.data[5] += 0.01;
    const yRef = convForwardIm2col(p, x, w, undefined, new Tensor(p.outShape));
    expect(worst(y.data, yRef.data, p.rows)).toBeGreaterThan(1);
  });
});
