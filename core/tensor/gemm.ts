/**
 * Single-threaded GEMM on Float32Array: C = alpha * op(A) * op(B) + beta * C, row-major,
 * op(X) = X or X^T. op(A) is m x k, op(B) is k x n, C is m x n; lda/ldb/ldc are row strides of the
 * stored (untransposed) arrays, offsets let callers multiply sub-blocks without copying.
 *
 * Layout (Goto/BLIS style): for each NC-wide column block of B and KC-deep slice of K, B is packed
 * into panels of NR = 8 columns, A into panels of MR = 4 rows (the transposes are absorbed by the
 * packing, so every case runs the same micro-kernel). Panels are packed into Float64Array so the
 * hot loop never converts float32 -> float64 (JS arithmetic is float64; the conversion would
 * otherwise happen m*n*k times instead of m*k + k*n times). The 4 x 8 micro-kernel keeps its 32
 * accumulators in locals. Scratch panels are module-level and reused across calls (JS is single
 * threaded; each worker has its own copy of this module).
 * Where WebAssembly SIMD exists (Node, Electron, browsers) larger products go through the 4-lane
 * float32 kernel in gemm-simd.ts / gemm-wasm.ts instead (float32 accumulation there).
 */

import { gemmSimd } from './gemm-simd';

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128;
const NC = 2048;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(NC * KC);
const tile = new Float64Array(MR * NR);

/** Below this many multiply-adds the packing overhead of the SIMD path is not worth it. */
const SIMD_MIN_WORK = 4096;

export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  if (m > 0 && n > 0 && k > 0 && alpha !== 0 && m * n * k >= SIMD_MIN_WORK && gemmSimd(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)) return;
  if (!applyBeta(m, n, k, alpha, beta, c, cOff, ldc)) return;
  gemmJsAccumulate(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
}

/** The pure-JS path (float64 panels), same contract; used where WebAssembly SIMD is missing. */
export function gemmJs(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  if (!applyBeta(m, n, k, alpha, beta, c, cOff, ldc)) return;
  gemmJsAccumulate(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
}

/** C *= beta over the m x n block; false when nothing is left to add. */
function applyBeta(m: number, n: number, k: number, alpha: number, beta: number, c: Float32Array, cOff: number, ldc: number): boolean {
  if (m <= 0 || n <= 0) return false;
  if (beta !== 1) {
    for (let i = 0; i < m; i++) {
      const row = cOff + i * ldc;
      if (beta === 0) c.fill(0, row, row + n);
      else for (let j = 0; j < n; j++) c[row + j] *= beta;
    }
  }
  return k > 0 && alpha !== 0;
}

function gemmJsAccumulate(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  // A's element (i, p) lives at a[aOff + i*ars + p*acs]; B's (p, j) at b[bOff + p*brs + j*bcs].
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb;
  const bcs = transB ? ldb : 1;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelsB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelsA(a, aOff + ic * ars + pc * acs, ars, acs, mc, kc);
        macroKernel(mc, nc, kc, alpha, c, cOff + ic * ldc + jc, ldc);
      }
    }
  }
}

/** Packs a kc x nc block of B into panels: packB[(j0/NR)*kc*NR + p*NR + jj] (zero-padded columns). */
function packPanelsB(b: Float32Array, off: number, rs: number, cs: number, kc: number, nc: number): void {
  const need = Math.ceil(nc / NR) * NR * kc;
  if (packB.length < need) packB = new Float64Array(need);
  const pb = packB;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    let d = j0 * kc;
    if (w === NR && cs === 1) {
      for (let p = 0; p < kc; p++, d += NR) {
        const s = off + p * rs + j0;
        pb[d] = b[s];
        pb[d + 1] = b[s + 1];
        pb[d + 2] = b[s + 2];
        pb[d + 3] = b[s + 3];
        pb[d + 4] = b[s + 4];
        pb[d + 5] = b[s + 5];
        pb[d + 6] = b[s + 6];
        pb[d + 7] = b[s + 7];
      }
    } else {
      for (let jj = 0; jj < NR; jj++) {
        let dd = d + jj;
        if (jj < w) {
          let s = off + (j0 + jj) * cs;
          for (let p = 0; p < kc; p++, dd += NR, s += rs) pb[dd] = b[s];
        } else {
          for (let p = 0; p < kc; p++, dd += NR) pb[dd] = 0;
        }
      }
    }
  }
}

/** Packs an mc x kc block of A into panels: packA[(i0/MR)*kc*MR + p*MR + ii] (zero-padded rows). */
function packPanelsA(a: Float32Array, off: number, rs: number, cs: number, mc: number, kc: number): void {
  const need = Math.ceil(mc / MR) * MR * kc;
  if (packA.length < need) packA = new Float64Array(need);
  const pa = packA;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    const d = i0 * kc;
    if (h === MR && rs === 1) {
      // transposed A: the 4 rows of a panel are contiguous in memory
      let s = off + i0;
      let dd = d;
      for (let p = 0; p < kc; p++, dd += MR, s += cs) {
        pa[dd] = a[s];
        pa[dd + 1] = a[s + 1];
        pa[dd + 2] = a[s + 2];
        pa[dd + 3] = a[s + 3];
      }
      continue;
    }
    for (let ii = 0; ii < MR; ii++) {
      let dd = d + ii;
      if (ii < h) {
        let s = off + (i0 + ii) * rs;
        for (let p = 0; p < kc; p++, dd += MR, s += cs) pa[dd] = a[s];
      } else {
        for (let p = 0; p < kc; p++, dd += MR) pa[dd] = 0;
      }
    }
  }
}

function macroKernel(mc: number, nc: number, kc: number, alpha: number, c: Float32Array, cOff: number, ldc: number): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    const bb = j0 * kc;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const h = Math.min(MR, mc - i0);
      const o = cOff + i0 * ldc + j0;
      if (h === MR && w === NR) {
        micro(kc, i0 * kc, bb, alpha, c, o, ldc, true);
      } else {
        micro(kc, i0 * kc, bb, alpha, c, o, ldc, false);
        for (let ii = 0; ii < h; ii++) {
          for (let jj = 0; jj < w; jj++) c[o + ii * ldc + jj] += tile[ii * NR + jj];
        }
      }
    }
  }
}

/** 4 x 8 register tile over packed panels; adds alpha*acc into C (full tile) or writes it to `tile`. */
function micro(kc: number, ab: number, bb: number, alpha: number, c: Float32Array, o: number, ldc: number, full: boolean): void {
  const pa = packA;
  const pb = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  let ia = ab;
  let ib = bb;
  for (let p = 0; p < kc; p++, ia += MR, ib += NR) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    let x = pb[ib];
    c00 += a0 * x; c10 += a1 * x; c20 += a2 * x; c30 += a3 * x;
    x = pb[ib + 1];
    c01 += a0 * x; c11 += a1 * x; c21 += a2 * x; c31 += a3 * x;
    x = pb[ib + 2];
    c02 += a0 * x; c12 += a1 * x; c22 += a2 * x; c32 += a3 * x;
    x = pb[ib + 3];
    c03 += a0 * x; c13 += a1 * x; c23 += a2 * x; c33 += a3 * x;
    x = pb[ib + 4];
    c04 += a0 * x; c14 += a1 * x; c24 += a2 * x; c34 += a3 * x;
    x = pb[ib + 5];
    c05 += a0 * x; c15 += a1 * x; c25 += a2 * x; c35 += a3 * x;
    x = pb[ib + 6];
    c06 += a0 * x; c16 += a1 * x; c26 += a2 * x; c36 += a3 * x;
    x = pb[ib + 7];
    c07 += a0 * x; c17 += a1 * x; c27 += a2 * x; c37 += a3 * x;
  }
  if (full) {
    let r = o;
    c[r] += alpha * c00; c[r + 1] += alpha * c01; c[r + 2] += alpha * c02; c[r + 3] += alpha * c03;
    c[r + 4] += alpha * c04; c[r + 5] += alpha * c05; c[r + 6] += alpha * c06; c[r + 7] += alpha * c07;
    r += ldc;
    c[r] += alpha * c10; c[r + 1] += alpha * c11; c[r + 2] += alpha * c12; c[r + 3] += alpha * c13;
    c[r + 4] += alpha * c14; c[r + 5] += alpha * c15; c[r + 6] += alpha * c16; c[r + 7] += alpha * c17;
    r += ldc;
    c[r] += alpha * c20; c[r + 1] += alpha * c21; c[r + 2] += alpha * c22; c[r + 3] += alpha * c23;
    c[r + 4] += alpha * c24; c[r + 5] += alpha * c25; c[r + 6] += alpha * c26; c[r + 7] += alpha * c27;
    r += ldc;
    c[r] += alpha * c30; c[r + 1] += alpha * c31; c[r + 2] += alpha * c32; c[r + 3] += alpha * c33;
    c[r + 4] += alpha * c34; c[r + 5] += alpha * c35; c[r + 6] += alpha * c36; c[r + 7] += alpha * c37;
    return;
  }
  const t = tile;
  t[0] = alpha * c00; t[1] = alpha * c01; t[2] = alpha * c02; t[3] = alpha * c03;
  t[4] = alpha * c04; t[5] = alpha * c05; t[6] = alpha * c06; t[7] = alpha * c07;
  t[8] = alpha * c10; t[9] = alpha * c11; t[10] = alpha * c12; t[11] = alpha * c13;
  t[12] = alpha * c14; t[13] = alpha * c15; t[14] = alpha * c16; t[15] = alpha * c17;
  t[16] = alpha * c20; t[17] = alpha * c21; t[18] = alpha * c22; t[19] = alpha * c23;
  t[20] = alpha * c24; t[21] = alpha * c25; t[22] = alpha * c26; t[23] = alpha * c27;
  t[24] = alpha * c30; t[25] = alpha * c31; t[26] = alpha * c32; t[27] = alpha * c33;
  t[28] = alpha * c34; t[29] = alpha * c35; t[30] = alpha * c36; t[31] = alpha * c37;
}

/** Reference triple loop (float64 accumulation); for tests and tiny problems. */
export function gemmNaive(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        const bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        s += av * bv;
      }
      const o = cOff + i * ldc + j;
      c[o] = alpha * s + (beta === 0 ? 0 : beta * c[o]);
    }
  }
}
