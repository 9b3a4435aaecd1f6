/**
 * Bad input: seeded mutations of the conformance models (byte flips, truncation, splices, runs of
 * 0xff that make huge varints) must either decode + import or throw OnnxError / GraphError, never
 * another exception, never hang. Plus targeted cases: truncated, random bytes, a cycle, a missing
 * initializer, a byte-length mismatch, absurd dimensions, external data, unsupported ops.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../core/onnx/codec';
import { OnnxError } from '../../../core/onnx/errors';
import type { ModelProto, NodeProto, TensorProto } from '../../../core/onnx/generated/onnx';
import { importOnnx } from '../../../core/onnx/import';
import { GraphError } from '../../../core/graph/types';
import { Rng } from '../../../core/tensor/rng';
import { PYTORCH, pytorchCases, readBytes } from './conformance-util';

function mutate(src: Uint8Array, other: Uint8Array, rng: Rng): Uint8Array {
  const kind = rng.int(5);
  const b = src.slice();
  if (kind === 0) {
    const flips = 1 + rng.int(4);
    for (let i = 0; i < flips; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
    return b;
  }
  if (kind === 1) return b.slice(0, rng.int(b.length));
  if (kind === 2) {
    // splice a chunk of another model in
    const at = rng.int(b.length);
    const from = rng.int(other.length);
    const len = 1 + rng.int(Math.min(64, other.length - from));
    const out = new Uint8Array(b.length + len);
    out.set(b.subarray(0, at));
    out.set(other.subarray(from, from + len), at);
    out.set(b.subarray(at), at + len);
    return out;
  }
  if (kind === 3) {
    const at = rng.int(b.length);
    const len = 1 + rng.int(10);
    for (let i = at; i < Math.min(b.length, at + len); i++) b[i] = 0xff;
    return b;
  }
  // random byte values at a few places
  for (let i = 0; i < 8; i++) b[rng.int(b.length)] = rng.int(256);
  return b;
}

describe('mutation fuzz', () => {
  it('3000 seeded mutations of the conformance models decode+import or throw OnnxError/GraphError', () => {
    const models = pytorchCases().map((c) => readBytes(`${PYTORCH}${c}/model.onnx`));
    expect(models.length).toBeGreaterThan(50);
    const rng = new Rng(20240531);
    const counts = { imported: 0, onnx: 0, graph: 0 };
    let slowest = 0;
    for (let i = 0; i < 3000; i++) {
      const src = models[rng.int(models.length)];
      const bytes = mutate(src, models[rng.int(models.length)], rng);
      const t0 = Date.now();
      try {
        importOnnx(bytes);
        counts.imported++;
      } catch (e) {
        if (e instanceof OnnxError) counts.onnx++;
        else if (e instanceof GraphError) counts.graph++;
        else throw new Error(`case ${i}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
      }
      slowest = Math.max(slowest, Date.now() - t0);
    }
    console.log(`fuzz: ${JSON.stringify(counts)}, slowest case ${slowest} ms`);
    expect(counts.imported + counts.onnx + counts.graph).toBe(3000);
    expect(counts.onnx).toBeGreaterThan(100); // the mutations do break things
    expect(slowest).toBeLessThan(5000);
  });
});

const F = 1;
function vi(name: string, dims: number[]) {
  return { name, type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}
function model(nodes: NodeProto[], initializer: TensorProto[] = [], inputs = [vi('x', [1, 3, 4, 4])], outputs = ['y']): ModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', node: nodes, initializer, input: inputs, output: outputs.map((o) => vi(o, [1])) },
  };
}
function expectOnnxError(m: ModelProto | Uint8Array, pattern: RegExp): void {
  const bytes = m instanceof Uint8Array ? m : encodeModel(m);
  expect(() => importOnnx(bytes)).toThrow(OnnxError);
  expect(() => importOnnx(bytes)).toThrow(pattern);
}

describe('targeted bad input', () => {
  const conv = readBytes(`${PYTORCH}test_Conv2d/model.onnx`);

  it('truncated files, random bytes, a PNG and an empty file', () => {
    for (const n of [1, 10, conv.length >> 1, conv.length - 1]) expect(() => importOnnx(conv.slice(0, n))).toThrow(OnnxError);
    const rng = new Rng(7);
    for (let k = 0; k < 50; k++) {
      const junk = Uint8Array.from({ length: 1 + rng.int(500) }, () => rng.int(256));
      expect(() => importOnnx(junk)).toThrow(OnnxError);
    }
    expectOnnxError(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /onnx/);
    expectOnnxError(new Uint8Array(0), /empty/);
  });

  it('a cycle and a missing initializer name the nodes', () => {
    const cyc = model([
      { opType: 'Relu', name: 'a', input: ['x', 'c'], output: ['b'] },
      { opType: 'Relu', name: 'c', input: ['b'], output: ['c'] },
      { opType: 'Relu', name: 'd', input: ['c'], output: ['y'] },
    ]);
    expectOnnxError(cyc, /cycle through "a", "c", "d"/);
    expectOnnxError(model([{ opType: 'Conv', name: 'conv1', input: ['x', 'W'], output: ['y'] }]), /"conv1" reads "W".*missing initializer/);
  });

  it('byte-length mismatch and absurd dimensions are refused before allocating', () => {
    const w = (dims: number[], bytes: number): TensorProto => ({ name: 'W', dims, dataType: F, rawData: new Uint8Array(bytes) });
    const node: NodeProto = { opType: 'Conv', name: 'conv1', input: ['x', 'W'], output: ['y'] };
    expectOnnxError(model([node], [w([2, 3, 3, 3], 200)]), /raw_data has 200 bytes .* needs 216/);
    expectOnnxError(model([node], [w([1000000, 1000000], 4)]), /1000000000000 elements/);
    const big: NodeProto[] = [
      { opType: 'Constant', name: 'shape', output: ['s'], attribute: [{ name: 'value', type: 4, t: { dims: [2], dataType: 7, int64Data: [1000000, 1000000] } }] },
      { opType: 'ConstantOfShape', name: 'fill', input: ['s'], output: ['W'] },
      node,
    ];
    expectOnnxError(model(big), /1000000000000 elements/);
    expectOnnxError(model([{ opType: 'Relu', input: ['x'], output: ['y'] }], [], [vi('x', [1, 1e9, 1e9])]), /invalid shape/);
  });

  it('external data, unsupported ops (all listed with opset) and a missing graph', () => {
    const ext: TensorProto = { name: 'W', dims: [2, 3, 3, 3], dataType: F, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] };
    expectOnnxError(model([{ opType: 'Conv', input: ['x', 'W'], output: ['y'] }], [ext]), /external data \("weights.bin"\) is not supported/);
    const m = model([
      { opType: 'NonZero', input: ['x'], output: ['a'] },
      { opType: 'TopK', input: ['a'], output: ['b'] },
      { opType: 'NonZero', input: ['b'], output: ['y'] },
    ]);
    expectOnnxError(m, /unsupported ops: NonZero \(opset 17\), TopK \(opset 17\)$/);
    expectOnnxError({ irVersion: 8 }, /no graph/);
  });

  it('a well-formed hand-made model still imports (the checks are not over-eager)', () => {
    const m = model([{ opType: 'Relu', name: 'r', input: ['x'], output: ['y'] }]);
    const imported = importOnnx(decodeModel(encodeModel(m)));
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['Input', 'ReLU']);
    expect(imported.graph.nodes[0].attrs.shape).toEqual([3, 4, 4]);
  });
});
