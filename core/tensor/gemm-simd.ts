/**
 * The WebAssembly-SIMD path of gemm. One driver, `gemmPanels`, runs the blocked product over
 * caller-supplied packers: for each NC-column block and MC-row block of C, a float32 tile block in
 * wasm memory is overwritten by the first KC-deep slice and accumulated by the rest (packed A
 * [tile][p][4] times packed B [tile][p][8]); then the caller's `emit` consumes it. Edges are
 * zero-padded so the kernel only sees full 4 x 8 tiles.
 * `gemmSimd` is the strided-matrix form behind gemm(); the conv op packs its column matrix
 * straight from the input (no im2col buffer) through the same driver (core/ops/conv-panels.ts).
 */
import { loadWasmKernel, type WasmKernel } from './gemm-wasm';

export const MR = 4;
export const NR = 8;
/** Largest K slice; K is split into equal slices no deeper than this (288 stays one slice, 576 two). */
const KC = 512;
const MC = 256;
const NC = 2048;
const C_BYTES = MC * NC * 4;
const A_BYTES = MC * KC * 4;
const B_BYTES = NC * KC * 4;
const PAGE = 65536;

let view: Float32Array | null = null;

function memoryView(k: WasmKernel): Float32Array {
  const need = C_BYTES + A_BYTES + B_BYTES;
  if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / PAGE));
  if (!view || view.buffer !== k.memory.buffer) view = new Float32Array(k.memory.buffer);
  return view;
}

export function simdAvailable(): boolean {
  return loadWasmKernel() !== null;
}

/** Where the operands of one blocked product come from and where its result goes. */
export interface PanelSource {
  /** A's rows [ic, ic+mc) x K slice [pc, pc+kc) as [tile][p][4] panels at mem[base...]; rows past mc zero. */
  packA(mem: Float32Array, base: number, ic: number, mc: number, pc: number, kc: number): void;
  /** B's K slice [pc, pc+kc) x columns [jc, jc+nc) as [tile][p][8] panels at mem[base...]; columns past nc zero. */
  packB(mem: Float32Array, base: number, pc: number, kc: number, jc: number, nc: number): void;
  /** The finished block A[ic..ic+mc) B[..., jc..jc+nc): row i at mem[base + i*ldt], columns 0..nc-1. */
  emit(mem: Float32Array, base: number, ldt: number, ic: number, mc: number, jc: number, nc: number): void;
}

/** Runs the blocked product of m x k by k x n through the packers; false when SIMD is unavailable. */
export function gemmPanels(m: number, n: number, k: number, src: PanelSource): boolean {
  const kern = loadWasmKernel();
  if (!kern) return false;
  const mem = memoryView(kern);
  const aBase = C_BYTES / 4;
  const bBase = (C_BYTES + A_BYTES) / 4;
  const step = Math.ceil(k / Math.ceil(k / KC));
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const nT = Math.ceil(nc / NR);
    const ldt = nT * NR;
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      const mT = Math.ceil(mc / MR);
      for (let pc = 0; pc < k; pc += step) {
        const kc = Math.min(step, k - pc);
        src.packB(mem, bBase, pc, kc, jc, nc);
        src.packA(mem, aBase, ic, mc, pc, kc);
        kern.macro(mT, nT, kc, aBase * 4, bBase * 4, 0, ldt * 4, pc === 0 ? 0 : 1);
      }
      src.emit(mem, 0, ldt, ic, mc, jc, nc);
    }
  }
  return true;
}

/**
 * C = alpha*op(A)*op(B) + beta*C on strided matrices (gemm's contract). beta 0 overwrites C
 * (rows copied straight out of wasm memory when alpha is 1). False if SIMD is unavailable.
 */
export function gemmSimd(
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
): boolean {
  if (!simdAvailable()) return false;
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb;
  const bcs = transB ? ldb : 1;
  if (beta !== 0 && beta !== 1) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[cOff + i * ldc + j] *= beta;
  }
  const overwrite = beta === 0;
  return gemmPanels(m, n, k, {
    packA: (mem, base, ic, mc, pc, kc) => packStridedA(a, aOff + ic * ars + pc * acs, ars, acs, mc, kc, mem, base),
    packB: (mem, base, pc, kc, jc, nc) => packStridedB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, mem, base),
    emit(mem, base, ldt, ic, mc, jc, nc) {
      for (let i = 0; i < mc; i++) {
        const src = base + i * ldt;
        const dst = cOff + (ic + i) * ldc + jc;
        if (overwrite && alpha === 1) c.set(mem.subarray(src, src + nc), dst);
        else if (overwrite) for (let j = 0; j < nc; j++) c[dst + j] = alpha * mem[src + j];
        else if (alpha === 1) for (let j = 0; j < nc; j++) c[dst + j] += mem[src + j];
        else for (let j = 0; j < nc; j++) c[dst + j] += alpha * mem[src + j];
      }
    },
  });
}

/** Packs B(p, j) = b[off + p*rs + j*cs], p < kc, j < nc, into [tile][p][8] panels. */
export function packStridedB(b: Float32Array, off: number, rs: number, cs: number, kc: number, nc: number, pb: Float32Array, base: number): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    let d = base + j0 * kc;
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
      continue;
    }
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

/** Packs A(i, p) = a[off + i*rs + p*cs], i < mc, p < kc, into [tile][p][4] panels. */
export function packStridedA(a: Float32Array, off: number, rs: number, cs: number, mc: number, kc: number, pa: Float32Array, base: number): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    const d = base + i0 * kc;
    if (h === MR && rs === 1) {
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
