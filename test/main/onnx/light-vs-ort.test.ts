/**
 * The four `light` models (AlexNet, VGG-19, Inception v1, ResNet-50) in the core against ONNX
 * Runtime (through main/ort/adapter.ts), a stronger check than the conformance suite's: there the
 * weights are all 0.02 (ConstantOfShape), so every channel is equal and the expected softmax is
 * 0.001 everywhere. Here every weight-producing ConstantOfShape is replaced by seeded random
 * values (He-scaled conv/dense weights, small biases, BatchNorm scale ~1 and variance > 0.5), the
 * input is seeded normal noise (not arange), and the comparison covers the pre-softmax logits
 * and several intermediate values (exposed as extra graph outputs): the first conv, activations
 * about a third and two thirds through the network, and the logits. Each model runs once per engine.
 *
 * Tolerance: |core - ort| <= 1e-3 * |ort| + 1e-5 * max|ort| per tensor. The relative part is the
 * ONNX runner's rtol; the absolute part is scaled to the tensor because the two engines sum
 * thousands of products in different orders (float32), so elements that cancel to near zero
 * carry an absolute error proportional to the tensor's scale, not to their own value. Measured
 * (seed 11): the worst element of any compared tensor uses about a tenth of this bound.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../core/onnx/codec';
import type { ModelProto, NodeProto, TensorProto } from '../../../core/onnx/generated/onnx';
import { importOnnx } from '../../../core/onnx/import';
import { intsFromProto } from '../../../core/onnx/tensor-proto';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { compileGraph, outputOf, runForward } from '../../../core/train/autograd';
import { createSession, releaseSession, runFloat } from '../../../main/ort/adapter';
import { LIGHT, readBytes } from '../../core/onnx/conformance-util';

const RTOL = 1e-3;
const ATOL_SCALE = 1e-5;

/** Random values for a weight of `shape` read by `consumer` at input `slot`. */
function weightValues(consumer: NodeProto, slot: number, shape: number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const transB = consumer.attribute?.find((a) => a.name === 'transB')?.i === 1;
  const fanIn = consumer.opType === 'Conv' ? shape.slice(1).reduce((a, b) => a * b, 1) : transB ? shape[1] : shape[0];
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    if (slot === 1 && consumer.opType !== 'BatchNormalization') out[i] = z * Math.sqrt(2 / fanIn);
    // BN scale ~0.5 keeps ResNet-50's 16 residual sums from growing without bound (the running stats are not the batch's).
    else if (consumer.opType === 'BatchNormalization' && slot === 1) out[i] = 0.5 + 0.05 * z;
    else if (consumer.opType === 'BatchNormalization' && slot === 4) out[i] = 0.5 + rng.next();
    else out[i] = 0.1 * z;
  }
  return out;
}

/**
 * The model with seeded random weights in place of the constant ones and extra graph outputs:
 * the first Conv, the outputs of the nodes about 1/3 and 2/3 through, and the Softmax input.
 */
function strengthen(m: ModelProto, seed: number): { model: ModelProto; outputs: string[] } {
  const g = m.graph;
  if (!g?.node) throw new Error('no graph');
  const init = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  const readers = new Map<string, { node: NodeProto; slot: number }>();
  for (const n of g.node) (n.input ?? []).forEach((i, slot) => readers.has(i) || readers.set(i, { node: n, slot }));
  const rng = new Rng(seed);
  const weights: TensorProto[] = [];
  const nodes = g.node.filter((n) => {
    const out = n.output?.[0] ?? '';
    let reader = readers.get(out);
    const shapeInit = init.get(n.input?.[0] ?? '');
    if (n.opType !== 'ConstantOfShape' || !reader || !shapeInit) return true;
    const shape = intsFromProto(shapeInit).values;
    // Inception's FC weight is ConstantOfShape -> Reshape -> Gemm: scale it for the Gemm, in the reshaped layout.
    let scaleShape = shape;
    const target = reader.node.opType === 'Reshape' ? init.get(reader.node.input?.[1] ?? '') : undefined;
    if (target) {
      scaleShape = intsFromProto(target).values;
      reader = readers.get(reader.node.output?.[0] ?? '');
      if (!reader || scaleShape.some((d) => d <= 0)) return true;
    }
    if (!['Conv', 'Gemm', 'BatchNormalization'].includes(reader.node.opType ?? '')) return true;
    const values = weightValues(reader.node, reader.slot, scaleShape, rng);
    weights.push({ name: out, dims: shape, dataType: 1, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return false;
  });
  const compute = nodes.filter((n) => ['Conv', 'Relu', 'Concat', 'Sum', 'MaxPool', 'LRN'].includes(n.opType ?? ''));
  const firstConv = compute.find((n) => n.opType === 'Conv');
  const softmax = nodes.find((n) => n.opType === 'Softmax');
  const picks = [firstConv, compute[Math.floor(compute.length / 3)], compute[Math.floor((2 * compute.length) / 3)]].map((n) => n?.output?.[0] ?? '');
  const logits = softmax?.input?.[0] ?? '';
  const extra = [...new Set([...picks, logits])].filter((o) => o !== '');
  const model: ModelProto = {
    ...m,
    graph: {
      ...g,
      node: nodes,
      initializer: [...(g.initializer ?? []), ...weights],
      output: [...(g.output ?? []), ...extra.map((name) => ({ name, type: { tensorType: { elemType: 1 } } }))],
    },
  };
  return { model, outputs: [...(g.output ?? []).map((o) => o.name ?? ''), ...extra] };
}

function worst(got: Float32Array, want: Float32Array): { ratio: number; maxAbs: number; scale: number } {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let ratio = 0;
  let maxAbs = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    maxAbs = Math.max(maxAbs, d);
    ratio = Math.max(ratio, Number.isNaN(d) ? Infinity : d / (RTOL * Math.abs(want[i]) + ATOL_SCALE * scale));
  }
  return { ratio, maxAbs, scale };
}

describe('light models: core vs ONNX Runtime with random weights and intermediates', () => {
  const files = existsSync(LIGHT) ? readdirSync(LIGHT).filter((f) => f.endsWith('.onnx')) : [];
  it('finds the four light models', () => expect(files.length).toBe(4));
  for (const f of files) {
    const base = f.replace(/\.onnx$/, '');
    it(base, async () => {
      const { model, outputs } = strengthen(decodeModel(readBytes(LIGHT + f)), 11);
      expect(outputs.length).toBeGreaterThanOrEqual(4);
      const bytes = encodeModel(model);
      const imported = importOnnx(bytes, base);
      const shape = imported.inputs[0].shape;
      const x = new Tensor(shape);
      const rng = new Rng(5);
      for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();

      const t0 = Date.now();
      const session = await createSession(bytes, { provider: 'cpu', intraOpThreads: 1 });
      let ort: Record<string, { shape: number[]; data: Float32Array }>;
      try {
        // The shape inputs of the original file are initializers too; only the image is fed.
        ort = await runFloat(session, { [imported.inputs[0].name]: { shape: [...shape], data: x.data } });
      } finally {
        await releaseSession(session);
      }
      const t1 = Date.now();
      const cg = compileGraph(imported.graph);
      const tape = runForward(cg, imported.weights, { [imported.inputs[0].name]: x }, { training: false, rng: new Rng(1) }, false);
      const t2 = Date.now();

      const lines: string[] = [];
      outputs.forEach((name, i) => {
        const want = ort[name];
        const got = outputOf(cg, tape, i);
        expect(want, `ORT output ${name}`).toBeDefined();
        expect(got.size, `${base} ${name}: size`).toBe(want.data.length);
        const w = worst(got.data, want.data);
        lines.push(`${name} [${want.shape.join('x')}] max|ort| ${w.scale.toExponential(2)} max abs diff ${w.maxAbs.toExponential(2)} worst ratio ${w.ratio.toFixed(3)}`);
        expect(w.ratio, `${base} ${name}: max abs diff ${w.maxAbs} at scale ${w.scale}`).toBeLessThanOrEqual(1);
      });
      // The random weights make the logits differ from class to class (the constant-weight model's do not).
      const logits = ort[outputs[outputs.length - 1]].data;
      expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(0.2 * Math.max(...logits.map(Math.abs)));
      console.log(`${base}: ORT ${t1 - t0} ms, core ${t2 - t1} ms\n  ${lines.join('\n  ')}`);
    }, 600_000);
  }
});
