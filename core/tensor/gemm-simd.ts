/**
 * The WebAssembly-SIMD path of gemm (same contract as gemm in gemm.ts). Blocks: for each
 * NC-column block and MC-row block of C, a zeroed float32 tile block in wasm memory accumulates
 * over KC-deep slices of packed A ([tile][p][4]) and B ([tile][p][8]) panels; then
 * C += alpha * block. Edges are zero-padded so the kernel only sees full 4 x 8 tiles.
 */
import { loadWasmKernel, type WasmKernel } from './gemm-wasm';

const MR = 4;
const NR = 8;
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

/** C = alpha*op(A)*op(B) + C (beta already applied by the caller). Returns false if SIMD is unavailable. */
export function gemmSimdAccumulate(
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
): boolean {
  const kern = loadWasmKernel();
  if (!kern) return false;
  const mem = memoryView(kern);
  const aBase = C_BYTES / 4;
  const bBase = (C_BYTES + A_BYTES) / 4;
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb;
  const bcs = transB ? ldb : 1;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const nT = Math.ceil(nc / NR);
    const ldt = nT * NR;
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      const mT = Math.ceil(mc / MR);
      mem.fill(0, 0, mT * MR * ldt);
      const step = Math.ceil(k / Math.ceil(k / KC));
      for (let pc = 0; pc < k; pc += step) {
        const kc = Math.min(step, k - pc);
        packB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, mem, bBase);
        packA(a, aOff + ic * ars + pc * acs, ars, acs, mc, kc, mem, aBase);
        kern.macro(mT, nT, kc, aBase * 4, bBase * 4, 0, ldt * 4);
      }
      for (let i = 0; i < mc; i++) {
        const src = i * ldt;
        const dst = cOff + (ic + i) * ldc + jc;
        if (alpha === 1) for (let j = 0; j < nc; j++) c[dst + j] += mem[src + j];
        else for (let j = 0; j < nc; j++) c[dst + j] += alpha * mem[src + j];
      }
    }
  }
  return true;
}

function packB(b: Float32Array, off: number, rs: number, cs: number, kc: number, nc: number, pb: Float32Array, base: number): void {
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

function packA(a: Float32Array, off: number, rs: number, cs: number, mc: number, kc: number, pa: Float32Array, base: number): void {
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
