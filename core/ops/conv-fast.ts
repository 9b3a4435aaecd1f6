/**
 * Fast paths of convForward/convBackward (conv.ts) for two shapes that the generic im2col route
 * handles poorly; both compute exactly the same sums and are tested through the same oracle.
 *  - pointwise (1x1, stride 1, no padding): the image itself is the column matrix, so each image
 *    is one GEMM straight from x into y, no im2col and no scatter (ResNet/Inception/MobileNet 1x1).
 *  - depthwise (one input channel per group, any channel multiplier): direct loops over kernel
 *    taps with a contiguous inner loop along W (MobileNet/ShuffleNet); a GEMM with one row per
 *    group would waste most of its tile.
 */
import { gemm } from '../tensor/gemm';
import { validRange } from '../tensor/im2col';
import type { ConvPlan } from './conv';

/** The conv plan fields this file reads (see planConv in conv.ts). */
export type FastPlan = Omit<ConvPlan, 'outShape' | 'rows'>;

export function isPointwise(p: FastPlan): boolean {
  const g = p.geom;
  return g.kD * g.kH * g.kW === 1 && g.sD * g.sH * g.sW === 1 && g.pD + g.pH + g.pW === 0 && p.outSize === p.inSize;
}

export function isDepthwise(p: FastPlan): boolean {
  return p.cg === 1 && p.groups > 1;
}

export function pointwiseForward(p: FastPlan, x: Float32Array, w: Float32Array, y: Float32Array): void {
  const s = p.inSize;
  for (let n = 0; n < p.n; n++) {
    for (let gi = 0; gi < p.groups; gi++) {
      gemm(false, false, p.fg, s, p.cg, 1, w, gi * p.fg * p.cg, p.cg, x, (n * p.c + gi * p.cg) * s, s, 0, y, (n * p.f + gi * p.fg) * s, s);
    }
  }
}

export function pointwiseBackward(p: FastPlan, dy: Float32Array, x: Float32Array, w: Float32Array, dx: Float32Array, dw: Float32Array): void {
  const s = p.inSize;
  for (let n = 0; n < p.n; n++) {
    for (let gi = 0; gi < p.groups; gi++) {
      const wOff = gi * p.fg * p.cg;
      const xOff = (n * p.c + gi * p.cg) * s;
      const yOff = (n * p.f + gi * p.fg) * s;
      gemm(false, true, p.fg, p.cg, s, 1, dy, yOff, s, x, xOff, s, 1, dw, wOff, p.cg);
      gemm(true, false, p.cg, s, p.fg, 1, w, wOff, p.cg, dy, yOff, s, 0, dx, xOff, s);
    }
  }
}

/** mode 'fwd': y += w * x;  'dx': dx += w * dy;  'dw': dw += sum dy * x (per tap). */
function depthwiseWalk(p: FastPlan, mode: 'fwd' | 'dx' | 'dw', x: Float32Array, w: Float32Array, y: Float32Array): void {
  const g = p.geom;
  const inHW = g.inH * g.inW;
  const taps = g.kD * g.kH * g.kW;
  for (let n = 0; n < p.n; n++) {
    for (let f = 0; f < p.f; f++) {
      const xOff = (n * p.c + Math.floor(f / p.fg)) * p.inSize;
      const yOff = (n * p.f + f) * p.outSize;
      let tap = 0;
      for (let kd = 0; kd < g.kD; kd++) {
        for (let kh = 0; kh < g.kH; kh++) {
          for (let kw = 0; kw < g.kW; kw++, tap++) {
            const [lo, hi] = validRange(g.outW, g.inW, g.sW, g.pW, kw * g.dW);
            const wv = w[f * taps + tap];
            let acc = 0;
            for (let od = 0; od < g.outD; od++) {
              const id = od * g.sD - g.pD + kd * g.dD;
              if (id < 0 || id >= g.inD) continue;
              for (let oh = 0; oh < g.outH; oh++) {
                const ih = oh * g.sH - g.pH + kh * g.dH;
                if (ih < 0 || ih >= g.inH) continue;
                const yr = yOff + (od * g.outH + oh) * g.outW;
                let xs = xOff + id * inHW + ih * g.inW + lo * g.sW - g.pW + kw * g.dW;
                if (mode === 'fwd') for (let ow = lo; ow < hi; ow++, xs += g.sW) y[yr + ow] += wv * x[xs];
                else if (mode === 'dx') for (let ow = lo; ow < hi; ow++, xs += g.sW) x[xs] += wv * y[yr + ow];
                else for (let ow = lo; ow < hi; ow++, xs += g.sW) acc += y[yr + ow] * x[xs];
              }
            }
            if (mode === 'dw') w[f * taps + tap] += acc;
          }
        }
      }
    }
  }
}

/** y must be zeroed (or hold the bias). */
export function depthwiseForward(p: FastPlan, x: Float32Array, w: Float32Array, y: Float32Array): void {
  depthwiseWalk(p, 'fwd', x, w, y);
}

export function depthwiseBackward(p: FastPlan, dy: Float32Array, x: Float32Array, w: Float32Array, dx: Float32Array, dw: Float32Array): void {
  depthwiseWalk(p, 'dx', dx, w, dy);
  depthwiseWalk(p, 'dw', x, dw, dy);
}
