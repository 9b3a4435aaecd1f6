/**
 * NonLocal block (Wang et al. 2018) on N x C x H x W or N x C x D x H x W input. Per sample, with the
 * P = (D x) H x W positions as columns of X [C, P]:
 *   g     = Wg X + bg                       [inner, P]   (1x1 conv)
 *   theta = Wt X + bt, phi = Wp X + bp      [inner, P]   (1x1 convs; 'embedded' and 'dot' only)
 *   S_ij  = theta_i . phi_j   ('embedded', 'dot')  or  x_i . x_j  ('gaussian')      [P, P]
 *   A     = softmax over j of S  ('gaussian', 'embedded': f = exp, C(x) = sum_j f)  or  S / P  ('dot')
 *   y_i   = sum_j A_ij g_j,  i.e. Y = G A^T                                           [inner, P]
 *   z     = Wz Y + bz (+ X when residual)                                             [C, P]
 * Backward is exact through every path (softmax, both sides of S, all four 1x1 convs, the residual).
 *
 * Params (names and shapes; K = [1, 1] in 2D, [1, 1, 1] in 3D, i.e. ONNX Conv weight layout):
 *   thetaWeight [inner, C, ...K], thetaBias [inner]   (not in 'gaussian' mode)
 *   phiWeight   [inner, C, ...K], phiBias   [inner]   (not in 'gaussian' mode)
 *   gWeight     [inner, C, ...K], gBias     [inner]
 *   outWeight   [C, inner, ...K], outBias   [C]
 * outWeight starts at zero when residual (the block starts as the identity, as the paper recommends);
 * everything else uses He init. The ONNX exporter composes it as Conv (theta, phi, g), Reshape,
 * MatMul (S), Softmax (or Div by P), MatMul (Y), Conv (out), Add (residual).
 * Attributes: mode 'embedded' (default) | 'gaussian' | 'dot'; inner (default floor(C / 2), min 1);
 * residual (default true). The block sees every position, so it has no finite receptive field.
 * Memory: the P x P attention of every sample is kept for backward (P = 196 at 14x14: 150 KB each).
 * FLOPs (per sample, multiply-adds x 2): 1x1 convs 2*inner*C*P each (3, or 2 in gaussian mode) plus
 * inner*P bias adds each; S 2*P*P*d (d = inner, or C for gaussian); normalisation 5*P*P (softmax) or
 * P*P (dot); Y 2*inner*P*P; output conv 2*C*inner*P + C*P bias; residual C*P.
 */
import { gemm } from '../tensor/gemm';
import { Tensor, shapeToString, type Shape } from '../tensor/tensor';
import { bool, int, str } from './attrs';
import { expectInputs, prod, savedOf } from './op-util';
import { defineOp, OpError, type ParamInit, type ParamSpec } from './types';

export type NonLocalMode = 'gaussian' | 'embedded' | 'dot';

export interface NonLocalAttrs {
  mode: NonLocalMode;
  /** 0 = automatic: floor(C / 2), at least 1. */
  inner: number;
  residual: boolean;
}

function dims(shapes: readonly Shape[], a: NonLocalAttrs): { n: number; c: number; p: number; d: number; k: number[] } {
  expectInputs('NonLocal', shapes, 1);
  const s = shapes[0];
  if (s.length !== 4 && s.length !== 5) {
    throw new OpError(`NonLocal: input must be N x C x H x W or N x C x D x H x W, got ${shapeToString(s) || 'a scalar'}`);
  }
  const c = s[1];
  const d = a.inner > 0 ? a.inner : Math.max(1, Math.floor(c / 2));
  return { n: s[0], c, p: prod(s, 2), d, k: new Array<number>(s.length - 2).fill(1) };
}

class NonLocalSaved {
  constructor(
    readonly theta: Float32Array | null,
    readonly phi: Float32Array | null,
    readonly g: Float32Array,
    readonly attn: Float32Array,
    readonly y: Float32Array,
  ) {}
}

/** out[rows, P] = W[rows, C] X[C, P] + b (a 1x1 conv on one sample). */
function conv1x1(w: Float32Array, b: Float32Array, x: Float32Array, xo: number, rows: number, c: number, p: number, out: Float32Array, oo: number): void {
  gemm(false, false, rows, p, c, 1, w, 0, c, x, xo, p, 0, out, oo, p);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) out[oo + r * p + j] += b[r];
}

/** Backward of conv1x1 for one sample: dW += dOut X^T, db += rowsum dOut, dX += W^T dOut. */
function conv1x1Back(
  w: Float32Array, x: Float32Array, xo: number, dOut: Float32Array, rows: number, c: number, p: number,
  dw: Float32Array, db: Float32Array, dx: Float32Array,
): void {
  gemm(false, true, rows, c, p, 1, dOut, 0, p, x, xo, p, 1, dw, 0, c);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) db[r] += dOut[r * p + j];
  gemm(true, false, c, p, rows, 1, w, 0, c, dOut, 0, p, 1, dx, xo, p);
}

function paramSpecs(shapes: readonly Shape[], a: NonLocalAttrs): ParamSpec[] {
  const { c, d, k } = dims(shapes, a);
  const he: ParamInit = { kind: 'he', fanIn: c };
  const zero: ParamInit = { kind: 'constant', value: 0 };
  const specs: ParamSpec[] = [];
  const conv = (name: string, out: number, inp: number, init: ParamInit): void => {
    specs.push({ name: `${name}Weight`, shape: [out, inp, ...k], init, trainable: true });
    specs.push({ name: `${name}Bias`, shape: [out], init: zero, trainable: true });
  };
  if (a.mode !== 'gaussian') {
    conv('theta', d, c, he);
    conv('phi', d, c, he);
  }
  conv('g', d, c, he);
  conv('out', c, d, a.residual ? zero : { kind: 'he', fanIn: d });
  return specs;
}

export const nonLocal = defineOp<NonLocalAttrs>({
  type: 'NonLocal',
  summary: 'Non-local block: every position attends to every other (self-attention over space/time).',
  category: 'attention',
  arity: 1,
  parseAttrs: (raw) => ({
    mode: str<NonLocalMode>(raw, 'mode', ['embedded', 'gaussian', 'dot'], 'embedded'),
    inner: int(raw, 'inner', 0, 0),
    residual: bool(raw, 'residual', true),
  }),
  params: paramSpecs,
  inferShape(shapes, a) {
    dims(shapes, a);
    return shapes[0];
  },
  forward(inputs, params, a) {
    const { n, c, p, d } = dims([inputs[0].shape], a);
    const x = inputs[0].data;
    const embed = a.mode !== 'gaussian';
    const theta = embed ? new Float32Array(n * d * p) : null;
    const phi = embed ? new Float32Array(n * d * p) : null;
    const g = new Float32Array(n * d * p);
    const attn = new Float32Array(n * p * p);
    const y = new Float32Array(n * d * p);
    const out = new Tensor(inputs[0].shape);
    for (let b = 0; b < n; b++) {
      const xo = b * c * p;
      const fo = b * d * p;
      const ao = b * p * p;
      conv1x1(params.gWeight.data, params.gBias.data, x, xo, d, c, p, g, fo);
      if (theta && phi) {
        conv1x1(params.thetaWeight.data, params.thetaBias.data, x, xo, d, c, p, theta, fo);
        conv1x1(params.phiWeight.data, params.phiBias.data, x, xo, d, c, p, phi, fo);
        gemm(true, false, p, p, d, 1, theta, fo, p, phi, fo, p, 0, attn, ao, p);
      } else {
        gemm(true, false, p, p, c, 1, x, xo, p, x, xo, p, 0, attn, ao, p);
      }
      if (a.mode === 'dot') {
        for (let i = 0; i < p * p; i++) attn[ao + i] /= p;
      } else {
        for (let i = 0; i < p; i++) {
          const row = ao + i * p;
          let max = -Infinity;
          for (let j = 0; j < p; j++) max = Math.max(max, attn[row + j]);
          let sum = 0;
          for (let j = 0; j < p; j++) {
            const e = Math.exp(attn[row + j] - max);
            attn[row + j] = e;
            sum += e;
          }
          for (let j = 0; j < p; j++) attn[row + j] /= sum;
        }
      }
      gemm(false, true, d, p, p, 1, g, fo, p, attn, ao, p, 0, y, fo, p); // Y = G A^T
      conv1x1(params.outWeight.data, params.outBias.data, y, fo, c, d, p, out.data, xo);
      if (a.residual) for (let i = 0; i < c * p; i++) out.data[xo + i] += x[xo + i];
    }
    return { output: out, saved: new NonLocalSaved(theta, phi, g, attn, y) };
  },
  backward(gradOut, saved, inputs, params, a) {
    const s = savedOf('NonLocal', saved, NonLocalSaved);
    const { n, c, p, d } = dims([inputs[0].shape], a);
    const x = inputs[0].data;
    const dz = gradOut.data;
    const dx = new Tensor(inputs[0].shape);
    if (a.residual) dx.data.set(dz);
    const grad: Record<string, Tensor> = {};
    for (const spec of paramSpecs([inputs[0].shape], a)) grad[spec.name] = new Tensor(spec.shape);
    const dY = new Float32Array(d * p);
    const dG = new Float32Array(d * p);
    const dA = new Float32Array(p * p);
    const dT = new Float32Array(d * p);
    const dP = new Float32Array(d * p);
    for (let b = 0; b < n; b++) {
      const xo = b * c * p;
      const fo = b * d * p;
      const ao = b * p * p;
      // z = Wz Y + bz: dWz += dZ Y^T, dbz += rowsum dZ, dY = Wz^T dZ.
      gemm(false, true, c, d, p, 1, dz, xo, p, s.y, fo, p, 1, grad.outWeight.data, 0, d);
      for (let r = 0; r < c; r++) for (let j = 0; j < p; j++) grad.outBias.data[r] += dz[xo + r * p + j];
      gemm(true, false, d, p, c, 1, params.outWeight.data, 0, d, dz, xo, p, 0, dY, 0, p);
      // Y = G A^T: dG = dY A, dA = dY^T G.
      gemm(false, false, d, p, p, 1, dY, 0, p, s.attn, ao, p, 0, dG, 0, p);
      gemm(true, false, p, p, d, 1, dY, 0, p, s.g, fo, p, 0, dA, 0, p);
      // dA -> dS in place: softmax rows, or the 1/P scale.
      if (a.mode === 'dot') {
        for (let i = 0; i < p * p; i++) dA[i] /= p;
      } else {
        for (let i = 0; i < p; i++) {
          let dot = 0;
          for (let j = 0; j < p; j++) dot += dA[i * p + j] * s.attn[ao + i * p + j];
          for (let j = 0; j < p; j++) dA[i * p + j] = s.attn[ao + i * p + j] * (dA[i * p + j] - dot);
        }
      }
      if (s.theta && s.phi) {
        // S = Theta^T Phi: dTheta = Phi dS^T, dPhi = Theta dS.
        gemm(false, true, d, p, p, 1, s.phi, fo, p, dA, 0, p, 0, dT, 0, p);
        gemm(false, false, d, p, p, 1, s.theta, fo, p, dA, 0, p, 0, dP, 0, p);
        conv1x1Back(params.thetaWeight.data, x, xo, dT, d, c, p, grad.thetaWeight.data, grad.thetaBias.data, dx.data);
        conv1x1Back(params.phiWeight.data, x, xo, dP, d, c, p, grad.phiWeight.data, grad.phiBias.data, dx.data);
      } else {
        // S = X^T X: dX += X dS^T + X dS.
        gemm(false, true, c, p, p, 1, x, xo, p, dA, 0, p, 1, dx.data, xo, p);
        gemm(false, false, c, p, p, 1, x, xo, p, dA, 0, p, 1, dx.data, xo, p);
      }
      conv1x1Back(params.gWeight.data, x, xo, dG, d, c, p, grad.gWeight.data, grad.gBias.data, dx.data);
    }
    return { inputs: [dx], params: grad };
  },
  flops(shapes, a) {
    const { n, c, p, d } = dims(shapes, a);
    const convs = a.mode === 'gaussian' ? 1 : 3;
    const sim = 2 * p * p * (a.mode === 'gaussian' ? c : d);
    const norm = (a.mode === 'dot' ? 1 : 5) * p * p;
    const perSample = convs * (2 * d * c * p + d * p) + sim + norm + 2 * d * p * p + 2 * c * d * p + c * p + (a.residual ? c * p : 0);
    return n * perSample;
  },
  receptive: () => ({ kernel: 1, stride: 1, dilation: 1, global: true }),
});
