/**
 * Dense (fully connected): y = x W^T + b, x [N, F], weight [units, F] (the PyTorch / ONNX Gemm transB
 * layout), bias [units]. Rank-2 input only: put a Flatten in front of conv features.
 * FLOPs: 2 * N * F * units multiply-adds, plus N * units bias adds.
 */
import { Tensor, shapeToString, type Shape } from '../tensor/tensor';
import { bool, int } from './attrs';
import { expectInputs } from './op-util';
import { defineOp, OpError, type ParamSpec } from './types';

export interface DenseAttrs {
  units: number;
  bias: boolean;
}

function features(shapes: readonly Shape[]): number {
  expectInputs('Dense', shapes, 1);
  const s = shapes[0];
  if (s.length !== 2) {
    throw new OpError(`Dense: input must be rank 2 (N x features), got ${shapeToString(s)}; add a Flatten before Dense`);
  }
  return s[1];
}

/** out[N, U] = x[N, F] * w[U, F]^T (+ b). Row-major, inner loop over contiguous F. */
function forwardDense(x: Float32Array, w: Float32Array, b: Float32Array | null, n: number, f: number, u: number): Float32Array {
  const out = new Float32Array(n * u);
  for (let i = 0; i < n; i++) {
    const xo = i * f;
    for (let j = 0; j < u; j++) {
      const wo = j * f;
      let acc = b ? b[j] : 0;
      for (let k = 0; k < f; k++) acc += x[xo + k] * w[wo + k];
      out[i * u + j] = acc;
    }
  }
  return out;
}

export const dense = defineOp<DenseAttrs>({
  type: 'Dense',
  summary: 'Fully connected layer: x W^T + b on N x features input.',
  category: 'dense',
  arity: 1,
  parseAttrs: (raw) => ({ units: int(raw, 'units', undefined, 1), bias: bool(raw, 'bias', true) }),
  params(shapes, a) {
    const f = features(shapes);
    const specs: ParamSpec[] = [{ name: 'weight', shape: [a.units, f], init: { kind: 'he', fanIn: f }, trainable: true }];
    if (a.bias) specs.push({ name: 'bias', shape: [a.units], init: { kind: 'constant', value: 0 }, trainable: true });
    return specs;
  },
  inferShape(shapes, a) {
    features(shapes);
    return [shapes[0][0], a.units];
  },
  forward(inputs, params, a) {
    const [n, f] = inputs[0].shape;
    const b = a.bias ? params.bias.data : null;
    return { output: new Tensor([n, a.units], forwardDense(inputs[0].data, params.weight.data, b, n, f, a.units)) };
  },
  backward(gradOut, _saved, inputs, params, a) {
    const [n, f] = inputs[0].shape;
    const u = a.units;
    const x = inputs[0].data;
    const w = params.weight.data;
    const dy = gradOut.data;
    const dx = new Float32Array(n * f);
    const dw = new Float32Array(u * f);
    for (let i = 0; i < n; i++) {
      const xo = i * f;
      for (let j = 0; j < u; j++) {
        const g = dy[i * u + j];
        if (g === 0) continue;
        const wo = j * f;
        for (let k = 0; k < f; k++) {
          dx[xo + k] += g * w[wo + k];
          dw[wo + k] += g * x[xo + k];
        }
      }
    }
    const grads: Record<string, Tensor> = { weight: new Tensor([u, f], dw) };
    if (a.bias) {
      const db = new Float32Array(u);
      for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) db[j] += dy[i * u + j];
      grads.bias = new Tensor([u], db);
    }
    return { inputs: [new Tensor([n, f], dx)], params: grads };
  },
  flops(shapes, a) {
    const [n, f] = shapes[0];
    return 2 * n * f * a.units + (a.bias ? n * a.units : 0);
  },
});
