/**
 * Conv forward/backward on the SIMD gemm driver without an im2col matrix: the GEMM's panels are
 * gathered straight from a zero-padded copy of the input chunk (profiled: im2col + packing the
 * column matrix again cost more than the GEMM kernel itself on LeNet-5 and the small VGG).
 *
 * With the padded copy every kernel tap of every output position is in bounds, so the column
 * matrix is cols[r][j] = xp[col[j] + tap[r]] with two tables: col[j] (image and output position
 * -> offset of the window's first tap) and tap[r] (channel and kernel offset). Forward packs B =
 * cols panel by panel; the weight gradient packs B = cols^T the same way; the input gradient's
 * column block leaves wasm memory straight into a scatter-add onto a padded dx (col2im).
 * Results equal the im2col route up to float32 summation order (same products, same K order).
 */
import { gemmPanels, NR, packStridedA, packStridedB } from '../tensor/gemm-simd';
import { scratch } from '../tensor/im2col';
import type { ConvPlan } from './conv';

/** The conv plan fields this file reads (see planConv in conv.ts). */
export type PanelPlan = Omit<ConvPlan, 'outShape'>;

/** The padded input layout and the gather tables of one chunk of images. */
interface Gather {
  /** Padded extents (D, H, W) and one padded channel plane. */
  ext: [number, number, number];
  plane: number;
  /** True when the input itself can be read (no padding, no overhang). */
  direct: boolean;
  col: Int32Array;
  tap: Int32Array;
}

function extent(inSize: number, out: number, k: number, s: number, d: number, pb: number): number {
  return Math.max(inSize + pb, (out - 1) * s + (k - 1) * d + 1);
}

function makeGather(p: PanelPlan, imgs: number): Gather {
  const g = p.geom;
  const ext: [number, number, number] = [
    extent(g.inD, g.outD, g.kD, g.sD, g.dD, g.pD),
    extent(g.inH, g.outH, g.kH, g.sH, g.dH, g.pH),
    extent(g.inW, g.outW, g.kW, g.sW, g.dW, g.pW),
  ];
  const direct = g.pD + g.pH + g.pW === 0 && ext[0] === g.inD && ext[1] === g.inH && ext[2] === g.inW;
  const [eD, eH, eW] = ext;
  const plane = eD * eH * eW;
  const imgStride = p.c * plane;
  const col = new Int32Array(imgs * p.outSize);
  let j = 0;
  for (let i = 0; i < imgs; i++) {
    for (let od = 0; od < g.outD; od++) {
      for (let oh = 0; oh < g.outH; oh++) {
        const base = i * imgStride + (od * g.sD * eH + oh * g.sH) * eW;
        for (let ow = 0; ow < g.outW; ow++) col[j++] = base + ow * g.sW;
      }
    }
  }
  const tap = new Int32Array(p.rows);
  let r = 0;
  for (let c = 0; c < p.cg; c++) {
    for (let kd = 0; kd < g.kD; kd++) {
      for (let kh = 0; kh < g.kH; kh++) {
        for (let kw = 0; kw < g.kW; kw++) tap[r++] = c * plane + (kd * g.dD * eH + kh * g.dH) * eW + kw * g.dW;
      }
    }
  }
  return { ext, plane, direct, col, tap };
}

/** The chunk's input as the gather reads it: x itself, or a zero-padded copy in scratch. */
function paddedInput(p: PanelPlan, gt: Gather, x: Float32Array, n0: number, imgs: number): { xp: Float32Array; off: number } {
  if (gt.direct) return { xp: x, off: n0 * p.c * p.inSize };
  const g = p.geom;
  const [, eH, eW] = gt.ext;
  const xp = scratch('conv.xp', imgs * p.c * gt.plane);
  xp.fill(0, 0, imgs * p.c * gt.plane);
  for (let pl = 0; pl < imgs * p.c; pl++) {
    const src = (n0 * p.c + pl) * p.inSize;
    for (let d = 0; d < g.inD; d++) {
      for (let h = 0; h < g.inH; h++) {
        const s = src + (d * g.inH + h) * g.inW;
        xp.set(x.subarray(s, s + g.inW), pl * gt.plane + ((d + g.pD) * eH + h + g.pH) * eW + g.pW);
      }
    }
  }
  return { xp, off: 0 };
}

/** Adds a padded gradient chunk's interior into dx. */
function unpadInto(p: PanelPlan, gt: Gather, dxp: Float32Array, dx: Float32Array, n0: number, imgs: number): void {
  const g = p.geom;
  const [, eH, eW] = gt.ext;
  for (let pl = 0; pl < imgs * p.c; pl++) {
    const dst = (n0 * p.c + pl) * p.inSize;
    for (let d = 0; d < g.inD; d++) {
      for (let h = 0; h < g.inH; h++) {
        const t = dst + (d * g.inH + h) * g.inW;
        const s = pl * gt.plane + ((d + g.pD) * eH + h + g.pH) * eW + g.pW;
        for (let w = 0; w < g.inW; w++) dx[t + w] += dxp[s + w];
      }
    }
  }
}

/** B(p, j) = xp[off + col[j] + tap[p]] for the K slice [pc, pc+kc) and columns [jc, jc+nc). */
function packCols(xp: Float32Array, off: number, col: Int32Array, tap: Int32Array, mem: Float32Array, base: number, pc: number, kc: number, jc: number, nc: number): void {
  for (let t0 = 0; t0 < nc; t0 += NR) {
    let d = base + t0 * kc;
    if (t0 + NR <= nc) {
      const j = jc + t0;
      const s0 = off + col[j], s1 = off + col[j + 1], s2 = off + col[j + 2], s3 = off + col[j + 3];
      const s4 = off + col[j + 4], s5 = off + col[j + 5], s6 = off + col[j + 6], s7 = off + col[j + 7];
      for (let q = pc; q < pc + kc; q++, d += NR) {
        const o = tap[q];
        mem[d] = xp[s0 + o];
        mem[d + 1] = xp[s1 + o];
        mem[d + 2] = xp[s2 + o];
        mem[d + 3] = xp[s3 + o];
        mem[d + 4] = xp[s4 + o];
        mem[d + 5] = xp[s5 + o];
        mem[d + 6] = xp[s6 + o];
        mem[d + 7] = xp[s7 + o];
      }
      continue;
    }
    for (let q = pc; q < pc + kc; q++, d += NR) {
      for (let jj = 0; jj < NR; jj++) mem[d + jj] = t0 + jj < nc ? xp[off + col[jc + t0 + jj] + tap[q]] : 0;
    }
  }
}

/** B(p, r) = cols[r][p]^T: rows [jc, jc+nc) of the column matrix as columns, image columns [pc, pc+kc) as K. */
function packColsT(xp: Float32Array, off: number, col: Int32Array, tap: Int32Array, mem: Float32Array, base: number, pc: number, kc: number, jc: number, nc: number): void {
  for (let t0 = 0; t0 < nc; t0 += NR) {
    let d = base + t0 * kc;
    if (t0 + NR <= nc) {
      const r = jc + t0;
      const o0 = off + tap[r], o1 = off + tap[r + 1], o2 = off + tap[r + 2], o3 = off + tap[r + 3];
      const o4 = off + tap[r + 4], o5 = off + tap[r + 5], o6 = off + tap[r + 6], o7 = off + tap[r + 7];
      for (let q = pc; q < pc + kc; q++, d += NR) {
        const s = col[q];
        mem[d] = xp[s + o0];
        mem[d + 1] = xp[s + o1];
        mem[d + 2] = xp[s + o2];
        mem[d + 3] = xp[s + o3];
        mem[d + 4] = xp[s + o4];
        mem[d + 5] = xp[s + o5];
        mem[d + 6] = xp[s + o6];
        mem[d + 7] = xp[s + o7];
      }
      continue;
    }
    for (let q = pc; q < pc + kc; q++, d += NR) {
      for (let jj = 0; jj < NR; jj++) mem[d + jj] = t0 + jj < nc ? xp[off + col[q] + tap[jc + t0 + jj]] : 0;
    }
  }
}

/** Images per chunk: the gather tables and dy copy stay near 4M entries. */
function chunkImages(p: PanelPlan): number {
  return Math.max(1, Math.min(p.n, Math.floor((1 << 22) / Math.max(1, p.fg * p.outSize, p.c * p.inSize))));
}

/** y = conv(x, w) + bias through the panel gather (y fully overwritten). */
export function panelConvForward(p: PanelPlan, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): boolean {
  const nb = chunkImages(p);
  for (let n0 = 0; n0 < p.n; n0 += nb) {
    const imgs = Math.min(nb, p.n - n0);
    const gt = makeGather(p, imgs);
    const { xp, off } = paddedInput(p, gt, x, n0, imgs);
    const stride = gt.direct ? p.inSize : gt.plane;
    for (let gi = 0; gi < p.groups; gi++) {
      const gOff = off + gi * p.cg * stride;
      const wOff = gi * p.fg * p.rows;
      const ok = gemmPanels(p.fg, imgs * p.outSize, p.rows, {
        packA: (mem, base, ic, mc, pc, kc) => packStridedA(w, wOff + ic * p.rows + pc, p.rows, 1, mc, kc, mem, base),
        packB: (mem, base, pc, kc, jc, nc) => packCols(xp, gOff, gt.col, gt.tap, mem, base, pc, kc, jc, nc),
        emit(mem, base, ldt, ic, mc, jc, nc) {
          for (let f = 0; f < mc; f++) {
            const ch = gi * p.fg + ic + f;
            const b = bias ? bias[ch] : 0;
            for (let j = jc; j < jc + nc; ) {
              const img = Math.floor(j / p.outSize);
              const o = j - img * p.outSize;
              const run = Math.min(p.outSize - o, jc + nc - j);
              const dst = ((n0 + img) * p.f + ch) * p.outSize + o;
              const src = base + f * ldt + (j - jc);
              for (let t = 0; t < run; t++) y[dst + t] = mem[src + t] + b;
              j += run;
            }
          }
        },
      });
      if (!ok) return false;
    }
  }
  return true;
}

/** dw += dY cols^T, dx += col2im(W^T dY) (skipped when dx is null), db += sum dY. */
export function panelConvBackward(
  p: PanelPlan,
  dy: Float32Array,
  x: Float32Array,
  w: Float32Array,
  dx: Float32Array | null,
  dw: Float32Array,
  db: Float32Array | null,
): boolean {
  const nb = chunkImages(p);
  for (let n0 = 0; n0 < p.n; n0 += nb) {
    const imgs = Math.min(nb, p.n - n0);
    const ld = imgs * p.outSize;
    const gt = makeGather(p, imgs);
    const { xp, off } = paddedInput(p, gt, x, n0, imgs);
    const stride = gt.direct ? p.inSize : gt.plane;
    const dxp = dx && !gt.direct ? scratch('conv.dxp', imgs * p.c * gt.plane) : null;
    if (dxp) dxp.fill(0, 0, imgs * p.c * gt.plane);
    const dymat = scratch('conv.ymat', p.fg * ld);
    for (let gi = 0; gi < p.groups; gi++) {
      for (let f = 0; f < p.fg; f++) {
        const ch = gi * p.fg + f;
        let s = 0;
        for (let i = 0; i < imgs; i++) {
          const src = ((n0 + i) * p.f + ch) * p.outSize;
          const dst = f * ld + i * p.outSize;
          for (let o = 0; o < p.outSize; o++) {
            const v = dy[src + o];
            dymat[dst + o] = v;
            s += v;
          }
        }
        if (db) db[ch] += s;
      }
      const gOff = off + gi * p.cg * stride;
      const wOff = gi * p.fg * p.rows;
      const okW = gemmPanels(p.fg, p.rows, ld, {
        packA: (mem, base, ic, mc, pc, kc) => packStridedA(dymat, ic * ld + pc, ld, 1, mc, kc, mem, base),
        packB: (mem, base, pc, kc, jc, nc) => packColsT(xp, gOff, gt.col, gt.tap, mem, base, pc, kc, jc, nc),
        emit(mem, base, ldt, ic, mc, jc, nc) {
          for (let i = 0; i < mc; i++) {
            const dst = wOff + (ic + i) * p.rows + jc;
            const src = base + i * ldt;
            for (let j = 0; j < nc; j++) dw[dst + j] += mem[src + j];
          }
        },
      });
      if (!okW) return false;
      if (!dx) continue;
      const target = dxp ?? dx;
      const tOff = dxp ? gi * p.cg * gt.plane : n0 * p.c * p.inSize + gi * p.cg * p.inSize;
      const okX = gemmPanels(p.rows, ld, p.fg, {
        packA: (mem, base, ic, mc, pc, kc) => packStridedA(w, wOff + ic + pc * p.rows, 1, p.rows, mc, kc, mem, base),
        packB: (mem, base, pc, kc, jc, nc) => packStridedB(dymat, pc * ld + jc, ld, 1, kc, nc, mem, base),
        emit(mem, base, ldt, ic, mc, jc, nc) {
          // col2im: columns of one output row land at a fixed stride, so walk them in runs.
          const col = gt.col;
          const outW = p.geom.outW;
          const sW = p.geom.sW;
          for (let i = 0; i < mc; i++) {
            const o = tOff + gt.tap[ic + i];
            const src = base + i * ldt - jc;
            for (let j = jc; j < jc + nc; ) {
              const run = Math.min(outW - (j % outW), jc + nc - j);
              const t = col[j] + o;
              const s = src + j;
              if (sW === 1) for (let q = 0; q < run; q++) target[t + q] += mem[s + q];
              else for (let q = 0; q < run; q++) target[t + q * sW] += mem[s + q];
              j += run;
            }
          }
        },
      });
      if (!okX) return false;
    }
    if (dx && dxp) unpadInto(p, gt, dxp, dx, n0, imgs);
  }
  return true;
}
