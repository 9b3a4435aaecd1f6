import { describe, expect, it } from 'vitest';
import { gemm, gemmJs, gemmNaive } from '../../../core/tensor/gemm';
import { simdAvailable } from '../../../core/tensor/gemm-simd';
import { Rng } from '../../../core/tensor/rng';

function rand(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Runs gemm and the naive loop on the same data (with offsets and padded leading dims), compares. */
type Gemm = typeof gemm;

function compare(impl: Gemm, tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, beta: number, seed: number): void {
  const rng = new Rng(seed);
  const pad = 3;
  const aRows = tA ? k : m;
  const aCols = tA ? m : k;
  const bRows = tB ? n : k;
  const bCols = tB ? k : n;
  const lda = aCols + pad;
  const ldb = bCols + 1;
  const ldc = n + 2;
  const aOff = 5;
  const bOff = 2;
  const cOff = 7;
  const a = rand(aOff + aRows * lda, rng);
  const b = rand(bOff + bRows * ldb, rng);
  const c0 = rand(cOff + m * ldc, rng);
  const got = c0.slice();
  const want = c0.slice();
  impl(tA, tB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
  gemmNaive(tA, tB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    // padding columns of C must stay untouched, the rest agree to float32 rounding
    const tol = 1e-5 * (1 + Math.sqrt(k)) * (1 + Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / tol);
  }
  expect(worst, `tA=${tA} tB=${tB} ${m}x${n}x${k}`).toBeLessThanOrEqual(1);
}

describe.each([
  ['gemm (WebAssembly SIMD where available)', gemm],
  ['gemmJs (float64 panels)', gemmJs],
] as const)('%s', (_name, impl: Gemm) => {
  it('matches the naive triple loop for all transposes on odd sizes', () => {
    let seed = 1;
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        for (const [m, n, k] of [
          [1, 1, 1],
          [3, 5, 7],
          [4, 8, 16],
          [5, 9, 3],
          [13, 17, 29],
          [37, 11, 1],
        ]) {
          compare(impl, tA, tB, m, n, k, 1, 0, seed++);
          compare(impl, tA, tB, m, n, k, -0.5, 1, seed++);
          compare(impl, tA, tB, m, n, k, 2, 0.25, seed++);
        }
      }
    }
  });

  it('handles blocks larger than the cache tiles (k > 256, m > 128, n > 2048)', () => {
    compare(impl, false, false, 131, 9, 300, 1, 0, 100);
    compare(impl, true, false, 6, 2061, 25, 1, 1, 101);
    compare(impl, false, true, 130, 20, 520, 1, 0, 102);
  });

  it('covers sizes past the SIMD blocks (m > 256, n > 2048) with a transposed A', () => {
    compare(impl, true, false, 261, 2063, 7, 1, 0.5, 103);
  });

  it('splits K into slices past 512 (first slice overwrites, later ones accumulate), alpha != 1 with beta = 0', () => {
    compare(impl, false, false, 20, 40, 1100, 1, 0, 104);
    compare(impl, true, true, 9, 33, 1030, -1.5, 0, 105);
    compare(impl, false, true, 7, 19, 1500, 0.5, 1, 106);
  });

  it('beta = 0 overwrites NaN garbage on a product large enough for the SIMD path', () => {
    const [m, n, k] = [9, 70, 40];
    const a = new Float32Array(m * k).fill(1);
    const b = new Float32Array(k * n).fill(0.5);
    const c = new Float32Array(m * n).fill(NaN);
    impl(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n);
    expect(c.every((v) => v === 20)).toBe(true);
  });

  it('beta = 0 overwrites NaN garbage, k = 0 just scales C', () => {
    const c = new Float32Array([NaN, NaN, NaN, NaN]);
    impl(false, false, 2, 2, 1, 1, new Float32Array([1, 2]), 0, 1, new Float32Array([3, 4]), 0, 2, 0, c, 0, 2);
    expect([...c]).toEqual([3, 4, 6, 8]);
    impl(false, false, 2, 2, 0, 1, new Float32Array(0), 0, 1, new Float32Array(0), 0, 2, 0.5, c, 0, 2);
    expect([...c]).toEqual([1.5, 2, 3, 4]);
  });
});

describe('WebAssembly SIMD kernel', () => {
  it('is available on Node (so the fast path is the one tested above)', () => {
    expect(simdAvailable()).toBe(true);
  });
});
