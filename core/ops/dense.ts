/**
 * Dense (fully connected): y = x W^T + b, x [N, F], weight [units, F] (the PyTorch / ONNX Gemm transB
 * layout), bias [units]. Rank-2 input only: put a Flatten in front of conv features.
 * Both passes run through the packed GEMM (core/tensor/gemm).
 * FLOPs: 2 * N * F * units multiply-adds, plus N * units bias adds.
 */
import { gemm } from '../tensor/gemm';
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
    const u = a.units;
    const out = new Tensor([n, u]);
    gemm(false, true, n, u, f, 1, inputs[0].data, 0, f, params.weight.data, 0, f, 0, out.data, 0, u);
    if (a.bias) {
      const b = params.bias.data;
      for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) out.data[i * u + j] += b[j];
    }
    return { output: out };
  },
  backward(gradOut, _saved, inputs, params, a) {
    const [n, f] = inputs[0].shape;
    const u = a.units;
    const x = inputs[0].data;
    const w = params.weight.data;
    const dy = gradOut.data;
    const dx = new Float32Array(n * f);
    const dw = new Float32Array(u * f);
    gemm(false, false, n, f, u, 1, dy, 0, u, w, 0, f, 0, dx, 0, f); // dx = dy W
    gemm(true, false, u, f, n, 1, dy, 0, u, x, 0, f, 0, dw, 0, f); // dW = dy^T x
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
