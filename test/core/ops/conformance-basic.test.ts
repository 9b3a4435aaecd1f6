/**
 * Forward of the basic ops against the ONNX backend conformance data (PyTorch-converted cases):
 * each case's model is one node (or Transpose + MatMul for a bias-free Linear); its initializers
 * become our params, its attributes our attrs, and the shared oracle checks the recorded output
 * plus FD gradients on the real data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, decodeTensorFile, type ModelProto } from '../../../core/onnx/codec';
import { tensorFromProto } from '../../../core/onnx/tensor-proto';
import { batchNorm } from '../../../core/ops/batch-norm';
import { dense } from '../../../core/ops/dense';
import { leakyRelu } from '../../../core/ops/leaky-relu';
import { relu } from '../../../core/ops/relu';
import { sigmoid } from '../../../core/ops/sigmoid';
import { softmax } from '../../../core/ops/softmax';
import { tanh } from '../../../core/ops/tanh';
import type { OpDef, RawAttrs } from '../../../core/ops/types';
import { Rng } from '../../../core/tensor/rng';
import type { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';
import { PYTORCH_CONVERTED_DIR } from '../../fixtures/conformance-dir';

const root = PYTORCH_CONVERTED_DIR;

function load(name: string): { model: ModelProto; input: Tensor; output: Tensor; init: Record<string, Tensor> } {
  const dir = `${root}${name}/`;
  const model = decodeModel(new Uint8Array(readFileSync(`${dir}model.onnx`)));
  const input = tensorFromProto(decodeTensorFile(new Uint8Array(readFileSync(`${dir}test_data_set_0/input_0.pb`))));
  const output = tensorFromProto(decodeTensorFile(new Uint8Array(readFileSync(`${dir}test_data_set_0/output_0.pb`))));
  const init: Record<string, Tensor> = {};
  for (const t of model.graph?.initializer ?? []) init[t.name ?? ''] = tensorFromProto(t);
  return { model, input, output, init };
}

function attrF(model: ModelProto, name: string): number {
  const a = model.graph?.node?.[0]?.attribute?.find((x) => x.name === name);
  if (a?.f === undefined || a.f === null) throw new Error(`no float attribute ${name}`);
  return a.f;
}

interface Case {
  name: string;
  op: OpDef<unknown>;
  attrs: (m: ModelProto) => RawAttrs;
  params?: (init: Record<string, Tensor>) => Record<string, Tensor>;
  /** Piecewise-linear: real data has values within the FD step of the kink, so check forward only here (FD runs in the op's own test). */
  kink?: boolean;
}

const cases: Case[] = [
  ...['test_BatchNorm1d_3d_input_eval', 'test_BatchNorm2d_eval', 'test_BatchNorm2d_momentum_eval', 'test_BatchNorm3d_eval', 'test_BatchNorm3d_momentum_eval'].map(
    (name): Case => ({
      name,
      op: batchNorm,
      attrs: (m) => ({ epsilon: attrF(m, 'epsilon') }),
      params: (i) => ({ gamma: i['1'], beta: i['2'], runningMean: i['3'], runningVar: i['4'] }),
    }),
  ),
  { name: 'test_Linear', op: dense, attrs: () => ({ units: 8 }), params: (i) => ({ weight: i['1'], bias: i['2'] }) },
  { name: 'test_Linear_no_bias', op: dense, attrs: () => ({ units: 8, bias: false }), params: (i) => ({ weight: i['1'] }) },
  { name: 'test_ReLU', op: relu, attrs: () => ({}), kink: true },
  { name: 'test_LeakyReLU', op: leakyRelu, attrs: (m) => ({ alpha: attrF(m, 'alpha') }), kink: true },
  { name: 'test_LeakyReLU_with_negval', op: leakyRelu, attrs: (m) => ({ alpha: attrF(m, 'alpha') }), kink: true },
  { name: 'test_Sigmoid', op: sigmoid, attrs: () => ({}) },
  { name: 'test_Tanh', op: tanh, attrs: () => ({}) },
  // Opset-6 Softmax coerces to 2D at `axis`; in all three cases that axis is the last one.
  { name: 'test_Softmax', op: softmax, attrs: () => ({ axis: -1 }) },
  { name: 'test_softmax_lastdim', op: softmax, attrs: () => ({ axis: -1 }) },
  { name: 'test_softmax_functional_dim3', op: softmax, attrs: () => ({ axis: 3 }) },
];

describe.skipIf(!existsSync(root))('basic ops vs ONNX conformance data', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { model, input, output, init } = load(c.name);
      if (c.kink) {
        const y = c.op.forward([input], {}, c.op.parseAttrs(c.attrs(model)), { training: false, rng: new Rng(1) }).output;
        expect(y.shape).toEqual(output.shape);
        y.data.forEach((v, i) => expect(Math.abs(v - output.data[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(output.data[i]))));
        return;
      }
      const rep = checkOp({
        op: c.op,
        attrs: c.attrs(model),
        inputs: [input],
        params: c.params?.(init),
        expected: output,
        maxChecks: 60,
      });
      expect(rep.outputShape).toEqual(output.shape);
    });
  }
});
