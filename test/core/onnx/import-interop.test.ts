/**
 * The importer's newer readers on hand-made ONNX graphs, each against a reference computed here:
 * Slice (constant starts/ends/axes/steps, negative and clamped ends, several axes, the batch axis
 * whole), MatMul of two computed tensors, Gather (constant indices, folding, embeddings), Cast,
 * and the folding of exported GraphConv / NodeMeanPool compositions (and their refusal when a
 * constant differs from what the composition uses).
 */
import { describe, expect, it } from 'vitest';
import { buildTemplate, encodeModel, GRAPH_FORMAT, GRAPH_VERSION, initWeights, Rng, Tensor, type GraphNode, type ModelGraph, type Weights } from '../../../core/index';
import type { ModelProto, NodeProto, TensorProto } from '../../../core/onnx/generated/onnx';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx, type ImportedModel } from '../../../core/onnx/import';
import { resolveRange } from '../../../core/onnx/import-ops-interop';
import { compileGraph, outputOf, runForward } from '../../../core/train/autograd';

function vi(name: string, dims: number[], elemType = 1) {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}
function model(nodes: NodeProto[], initializer: TensorProto[], inputs: ReturnType<typeof vi>[], opset = 17): ModelProto {
  return { irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph: { name: 'g', node: nodes, initializer, input: inputs, output: [vi('y', [1])] } };
}
const i64 = (name: string, values: number[], dims = [values.length]): TensorProto => ({ name, dims, dataType: 7, int64Data: values });
const f32 = (name: string, t: Tensor): TensorProto => ({ name, dims: [...t.shape], dataType: 1, floatData: Array.from(t.data) });

function random(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

function run(m: { graph: ModelGraph; weights: Weights }, feeds: Record<string, Tensor>): Tensor {
  const cg = compileGraph(m.graph);
  return outputOf(cg, runForward(cg, m.weights, feeds, { training: false, rng: new Rng(1) }, false), 0);
}

/** x[idx] for a row-major tensor given a per-axis index function. */
function pick(x: Tensor, shape: number[], at: (o: number[]) => number[]): number[] {
  const out: number[] = [];
  const st = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const idx = shape.map(() => 0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let p = 0; p < total; p++) {
    out.push(x.data[at(idx).reduce((s, v, d) => s + v * st[d], 0)]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('ONNX Slice', () => {
  it('resolves ranges by the ONNX rules (negative, clamped, INT64_MAX, negative steps)', () => {
    expect(resolveRange(10, 2, -1, 1)).toEqual({ start: 2, end: 9, count: 7 });
    expect(resolveRange(10, -3, 9223372036854775807, 1)).toEqual({ start: 7, end: 10, count: 3 });
    expect(resolveRange(10, -100, 4, 2)).toEqual({ start: 0, end: 4, count: 2 });
    expect(resolveRange(10, -1, -9223372036854775807, -1)).toEqual({ start: 9, end: -1, count: 10 });
    expect(resolveRange(10, 8, 2, -3)).toEqual({ start: 8, end: 2, count: 2 });
    expect(resolveRange(10, 5, 5, 1).count).toBe(0);
  });

  it('slices several axes of a computed tensor (negative start, clamped end, the batch axis whole) as one core Slice per axis', () => {
    const x = random([2, 3, 5, 6], 1);
    const nodes: NodeProto[] = [
      { opType: 'Relu', name: 'r', input: ['x'], output: ['h'] },
      { opType: 'Slice', name: 's', input: ['h', 'starts', 'ends', 'axes'], output: ['y'] },
    ];
    const inits = [i64('starts', [0, -4, 1]), i64('ends', [9223372036854775807, 1000, -1]), i64('axes', [0, 3, 2])];
    const m = importOnnx(encodeModel(model(nodes, inits, [vi('x', [2, 3, 5, 6])])));
    expect(m.graph.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['Input', { shape: [3, 5, 6] }],
      ['ReLU', {}],
      ['Slice', { axis: 3, start: 2, end: 6 }],
      ['Slice', { axis: 2, start: 1, end: 4 }],
    ]);
    const got = run(m, { x });
    expect(got.shape).toEqual([2, 3, 3, 4]);
    expect(Array.from(got.data)).toEqual(pick(x, [2, 3, 3, 4], ([n, c, h, w]) => [n, c, h + 1, w + 2]).map((v) => Math.max(0, v)));
  });

  it('folds a constant slice with steps (opset 9 attributes and opset 17 inputs) and refuses batch and empty slices on computed tensors', () => {
    const t = random([4, 6], 2);
    const nodes: NodeProto[] = [
      { opType: 'Slice', name: 'cs', input: ['c', 'starts', 'ends', 'axes', 'steps'], output: ['cs'] },
      { opType: 'Add', name: 'add', input: ['x', 'cs'], output: ['y'] },
    ];
    const inits = [f32('c', t), i64('starts', [-1, 0]), i64('ends', [-9223372036854775807, 6]), i64('axes', [0, 1]), i64('steps', [-2, 3])];
    const m = importOnnx(encodeModel(model(nodes, inits, [vi('x', [1, 2, 2])])));
    const x = random([1, 2, 2], 3);
    const want = pick(t, [2, 2], ([i, j]) => [3 - 2 * i, 3 * j]).map((v, k) => v + x.data[k]);
    expect(Array.from(run(m, { x }).data)).toEqual(Array.from(Float32Array.from(want)));
    const legacy = model([{ opType: 'Slice', name: 's', input: ['x'], output: ['y'], attribute: [{ name: 'starts', type: 7, ints: [1] }, { name: 'ends', type: 7, ints: [3] }, { name: 'axes', type: 7, ints: [1] }] }], [], [vi('x', [2, 4])], 9);
    expect(importOnnx(encodeModel(legacy)).graph.nodes[1]).toMatchObject({ op: 'Slice', attrs: { axis: 1, start: 1, end: 3 } });
    const batch = model([{ opType: 'Slice', name: 's', input: ['x', 'a', 'b', 'ax'], output: ['y'] }], [i64('a', [1]), i64('b', [2]), i64('ax', [0])], [vi('x', [2, 4])]);
    expect(() => importOnnx(encodeModel(batch))).toThrow(/slices the batch axis \(\[1:2:1\] of 2\)/);
    const empty = model([{ opType: 'Slice', name: 's', input: ['x', 'a', 'b', 'ax'], output: ['y'] }], [i64('a', [3]), i64('b', [1]), i64('ax', [1])], [vi('x', [2, 4])]);
    expect(() => importOnnx(encodeModel(empty))).toThrow(/\[3:1:1\] on axis 1 of 2x4 selects nothing/);
  });
});

describe('ONNX Slice with steps on computed tensors', () => {
  it('becomes StridedSlice (positive, negative and reversing steps), runs like the reference and round-trips', () => {
    const x = random([2, 3, 7], 10);
    const nodes: NodeProto[] = [{ opType: 'Slice', name: 's', input: ['x', 'starts', 'ends', 'axes', 'steps'], output: ['y'] }];
    const inits = [i64('starts', [-1, 1]), i64('ends', [-9223372036854775807, 100]), i64('axes', [2, 1]), i64('steps', [-3, 2])];
    const m = importOnnx(encodeModel(model(nodes, inits, [vi('x', [2, 3, 7])])));
    expect(m.graph.nodes.slice(1).map((n) => [n.op, n.attrs])).toEqual([
      ['StridedSlice', { axis: 2, start: 6, end: -8, step: -3 }],
      ['StridedSlice', { axis: 1, start: 1, end: 3, step: 2 }],
    ]);
    const got = run(m, { x });
    expect(got.shape).toEqual([2, 1, 3]);
    expect(Array.from(got.data)).toEqual(pick(x, [2, 1, 3], ([n, c, w]) => [n, 1 + 2 * c, 6 - 3 * w]));
    const again = importOnnx(encodeModel(exportOnnx(m.graph, m.weights).model));
    expect(again.graph).toEqual(m.graph);
  });
});

describe('ONNX MatMul and Gather', () => {
  it('a product of two computed tensors becomes the core MatMul op; a constant 2-D weight stays Dense', () => {
    const nodes: NodeProto[] = [
      { opType: 'Transpose', name: 't', input: ['a'], output: ['at'], attribute: [{ name: 'perm', type: 7, ints: [0, 2, 1] }] },
      { opType: 'MatMul', name: 'mm', input: ['at', 'b'], output: ['y'] },
    ];
    const m = importOnnx(encodeModel(model(nodes, [], [vi('a', [2, 4, 3]), vi('b', [2, 4, 5])])));
    expect(m.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Input', 'Transpose', 'MatMul']);
    const a = random([2, 4, 3], 4);
    const b = random([2, 4, 5], 5);
    const got = run(m, { a, b });
    expect(got.shape).toEqual([2, 3, 5]);
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 5; j++) {
          let s = 0;
          for (let k = 0; k < 4; k++) s += a.data[n * 12 + k * 3 + i] * b.data[n * 20 + k * 5 + j];
          expect(got.data[n * 15 + i * 5 + j]).toBeCloseTo(s, 5);
        }
    const dense = importOnnx(encodeModel(model([{ opType: 'MatMul', name: 'mm', input: ['x', 'w'], output: ['y'] }], [f32('w', random([4, 2], 6))], [vi('x', [3, 4])])));
    expect(dense.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Dense']);
    const shared = importOnnx(encodeModel(model([{ opType: 'MatMul', name: 'mm', input: ['x', 'w'], output: ['y'] }], [f32('w', random([4, 2], 6))], [vi('x', [3, 5, 4])])));
    expect(shared.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Const', 'MatMul']);
  });

  it('Gather with constant indices: folded on constants (a shape computation), a Slice (+ Reshape) on computed tensors', () => {
    // Reshape x [2, 3, 4] to [N, 12] with the 12 computed from Shape -> Gather -> Mul -> Unsqueeze -> Concat.
    const nodes: NodeProto[] = [
      { opType: 'Shape', name: 'sh', input: ['x'], output: ['s'] },
      { opType: 'Gather', name: 'g1', input: ['s', 'i1'], output: ['d1'], attribute: [{ name: 'axis', type: 2, i: 0 }] },
      { opType: 'Gather', name: 'g2', input: ['s', 'i2'], output: ['d2'] },
      { opType: 'Mul', name: 'm', input: ['d1', 'd2'], output: ['d'] },
      { opType: 'Unsqueeze', name: 'u', input: ['d', 'ax0'], output: ['du'] },
      { opType: 'Concat', name: 'cat', input: ['zero', 'du'], output: ['shape'], attribute: [{ name: 'axis', type: 2, i: 0 }] },
      { opType: 'Reshape', name: 'flat', input: ['x', 'shape'], output: ['f'] },
      { opType: 'Gather', name: 'pick', input: ['f', 'five'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
    ];
    const inits = [i64('i1', [1], []), i64('i2', [-1], []), i64('ax0', [0]), i64('zero', [0]), i64('five', [5, 6, 7])];
    const m = importOnnx(encodeModel(model(nodes, inits, [vi('x', [2, 3, 4])])));
    expect(m.graph.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['Input', { shape: [3, 4] }],
      ['Reshape', { shape: [12] }],
      ['Slice', { axis: 1, start: 5, end: 8 }],
    ]);
    const x = random([2, 3, 4], 7);
    expect(Array.from(run(m, { x }).data)).toEqual([5, 6, 7, 17, 18, 19].map((i) => x.data[i]));
    const scalarIdx = importOnnx(encodeModel(model([{ opType: 'Gather', name: 'g', input: ['x', 'i'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 2 }] }], [i64('i', [-1], [])], [vi('x', [2, 3, 4])])));
    expect(scalarIdx.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Slice', 'Reshape']);
    expect(Array.from(run(scalarIdx, { x }).data)).toEqual([3, 7, 11, 15, 19, 23].map((i) => x.data[i]));
    const scattered = model([{ opType: 'Gather', name: 'g', input: ['x', 'i'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 2 }] }], [i64('i', [0, 2])], [vi('x', [2, 3, 4])]);
    expect(() => importOnnx(encodeModel(scattered))).toThrow(/indices \[0, 2\] on a computed tensor: only one index or a run/);
    const outOfRange = model([{ opType: 'Gather', name: 'g', input: ['x', 'i'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 2 }] }], [i64('i', [4])], [vi('x', [2, 3, 4])]);
    expect(() => importOnnx(encodeModel(outOfRange))).toThrow(/index 4 is out of range for axis 2 of size 4/);
  });

  it('Gather(constant table, Cast(float -> int64)) is an Embedding; a Cast read elsewhere and a float index input are refused', () => {
    const table = random([5, 3], 8);
    const nodes: NodeProto[] = [
      { opType: 'Cast', name: 'c', input: ['x'], output: ['xi'], attribute: [{ name: 'to', type: 2, i: 7 }] },
      { opType: 'Gather', name: 'emb', input: ['table', 'xi'], output: ['y'] },
    ];
    const m = importOnnx(encodeModel(model(nodes, [f32('table', table)], [vi('x', [2, 2])])));
    expect(m.graph.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['Input', { shape: [2] }],
      ['Embedding', { vocab: 5, dim: 3 }],
    ]);
    const x = Tensor.from([2, 2], [0, 4.7, -1, 2]);
    const rows = [0, 4, 4, 2];
    expect(Array.from(run(m, { x }).data)).toEqual(rows.flatMap((r) => Array.from(table.data.slice(r * 3, r * 3 + 3))));
    const castElsewhere = model([...nodes.slice(0, 1), { opType: 'Relu', name: 'r', input: ['xi'], output: ['y'] }], [], [vi('x', [2, 2])]);
    expect(() => importOnnx(encodeModel(castElsewhere))).toThrow(/Cast node "c": casting a computed tensor to type 7 is only supported where Gather reads the result/);
    const floatIdx = model([{ opType: 'Gather', name: 'emb', input: ['table', 'x'], output: ['y'] }], [f32('table', table)], [vi('x', [2, 2])]);
    expect(() => importOnnx(encodeModel(floatIdx))).toThrow(/indices "x" are not an integer graph input or a Cast/);
    const intIn = model([{ opType: 'Relu', name: 'r', input: ['x'], output: ['y'] }], [], [vi('x', [2, 2], 7)]);
    expect(() => importOnnx(encodeModel(intIn))).toThrow(/element type 7; only float32 inputs are supported \(and int32\/int64 inputs read only as Gather indices\)/);
  });
});

describe('batch dimension', () => {
  it('stays free unless the graph only fits the file batch (a constant of that batch size), then it is fixed and exported so', () => {
    const c = random([4, 3], 11);
    const free = importOnnx(encodeModel(model([{ opType: 'Mul', name: 'm', input: ['x', 'c'], output: ['y'] }], [f32('c', random([3], 12))], [vi('x', [4, 3])])));
    expect(free.graph.nodes[0].attrs).toEqual({ shape: [3] });
    const fixed = importOnnx(encodeModel(model([{ opType: 'Mul', name: 'm', input: ['x', 'c'], output: ['y'] }], [f32('c', c)], [vi('x', [4, 3])])));
    expect(fixed.graph.nodes[0].attrs).toEqual({ shape: [3], batch: 4 });
    const exported = exportOnnx(fixed.graph, fixed.weights);
    expect(exported.inputs[0].dims).toEqual([4, 3]);
    expect(importOnnx(encodeModel(exported.model)).graph).toEqual(fixed.graph);
  });
});

function exportImport(graph: ModelGraph, weights: Weights): ImportedModel {
  return importOnnx(encodeModel(exportOnnx(graph, weights).model));
}

describe('folding exported compositions', () => {
  it('the gcn template re-imports as its own graph (GraphConv x2, fixed node count) with equal outputs', () => {
    const graph = buildTemplate('gcn');
    const weights = initWeights(graph, new Rng(3));
    const m = exportImport(graph, weights);
    expect(m.graph.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
    expect(m.graph.nodes.map((n) => n.name)).toEqual(graph.nodes.map((n) => n.name));
    expect(m.graph.nodes.filter((n) => n.op === 'Input').map((n) => n.attrs.batch)).toEqual([34, 34]);
    const gc1 = m.graph.nodes.find((n) => n.name === 'gc1');
    expect(gc1?.attrs).toEqual({ units: 16, bias: true });
    expect(Array.from(m.weights.gc1.selfWeight.data)).toEqual(Array.from(weights.gc1.selfWeight.data));
  });

  it('GraphConv without bias and NodeMeanPool fold too; a changed constant leaves the composition unfolded (and unsupported)', () => {
    const nodes: GraphNode[] = [
      { name: 'h', op: 'Input', inputs: [], attrs: { shape: [3], batch: 4 } },
      { name: 'adj', op: 'Input', inputs: [], attrs: { shape: [4], batch: 4 } },
      { name: 'gc', op: 'GraphConv', inputs: ['h', 'adj'], attrs: { units: 2, bias: false } },
      { name: 'pool', op: 'NodeMeanPool', inputs: ['gc'], attrs: {} },
    ];
    const g2: ModelGraph = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'g', nodes, outputs: ['pool'] };
    const weights = initWeights(g2, new Rng(4));
    const m = exportImport(g2, weights);
    expect(m.graph.nodes.map((n) => [n.op, n.attrs])).toEqual(nodes.map((n) => [n.op, n.attrs]));
    const h = random([4, 3], 9);
    const adj = Tensor.from([4, 4], [1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(run(m, { h, adj }).data)).toEqual(Array.from(run({ graph: g2, weights }, { h, adj }).data));
    const proto = exportOnnx(g2, weights).model;
    const pow = proto.graph?.node?.find((n) => n.opType === 'Pow');
    const exp = proto.graph?.initializer?.find((t) => t.name === pow?.input?.[1]);
    if (!exp) throw new Error('no Pow exponent in the export');
    exp.floatData = [-0.4];
    exp.rawData = undefined;
    expect(() => importOnnx(encodeModel(proto))).toThrow(/unsupported ops: .*Equal .*Not .*Pow .*ReduceSum/);
  });
});

describe('templates fold back to their own graphs', () => {
  for (const name of ['resnet-nonlocal', 'shufflenet', 'gcn', 'resnet8']) {
    it(`${name}: template -> export -> import has the template's nodes, ops and attrs`, () => {
      const graph = buildTemplate(name);
      const m = exportImport(graph, initWeights(graph, new Rng(5)));
      expect(m.graph.nodes.map((n) => `${n.name}:${n.op}`)).toEqual(graph.nodes.map((n) => `${n.name}:${n.op}`));
    });
  }
});

function single(op: string, shape: number[], attrs: Record<string, number | string | boolean | number[]>): ModelGraph {
  const nodes: GraphNode[] = [
    { name: 'x', op: 'Input', inputs: [], attrs: { shape } },
    { name: 'y', op, inputs: ['x'], attrs },
  ];
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: op, nodes, outputs: ['y'] };
}

/** Seeded weights with every param non-trivial (NonLocal's output conv starts at zero). */
function noisy(graph: ModelGraph, seed: number): Weights {
  const w = initWeights(graph, new Rng(seed));
  const rng = new Rng(seed + 1);
  for (const ps of Object.values(w)) for (const t of Object.values(ps)) for (let i = 0; i < t.size; i++) t.data[i] += 0.1 * rng.normal();
  return w;
}

describe('unit compositions fold back at every opset', () => {
  const cases: { name: string; graph: ModelGraph; attrs?: Record<string, unknown> }[] = [
    { name: 'NonLocal embedded residual 2D', graph: single('NonLocal', [4, 3, 5], { mode: 'embedded', inner: 2, residual: true }) },
    { name: 'NonLocal gaussian 3D', graph: single('NonLocal', [4, 2, 3, 3], { mode: 'gaussian', inner: 3, residual: false }) },
    { name: 'NonLocal dot', graph: single('NonLocal', [6, 4, 4], { mode: 'dot', inner: 3, residual: true }) },
    { name: 'BlurPool f4 stride 1x2', graph: single('BlurPool', [3, 8, 9], { filterSize: 4, stride: [1, 2] }) },
    { name: 'MaxBlurPool k3 f5', graph: single('MaxBlurPool', [2, 11, 11], { kernel: [3, 3], filterSize: 5, stride: [2, 2] }) },
    { name: 'ChannelShuffle', graph: single('ChannelShuffle', [6, 4, 5], { groups: 3 }) },
    { name: 'GELU', graph: single('GELU', [3, 4], {}) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const weights = noisy(c.graph, 6);
      const x = random([2, ...(c.graph.nodes[0].attrs.shape as number[])], 7);
      const want = run({ graph: c.graph, weights }, { x });
      for (const opset of [11, 13, 17, 21]) {
        const m = importOnnx(encodeModel(exportOnnx(c.graph, weights, { opset }).model));
        expect(m.graph.nodes.map((n) => n.op)).toEqual(['Input', c.graph.nodes[1].op]);
        expect(m.graph.nodes[1].attrs).toEqual(c.graph.nodes[1].attrs);
        expect(Array.from(run(m, { x }).data)).toEqual(Array.from(want.data));
      }
    });
  }

  it('a composition whose sizes do not fit the unit imports as general ops (NonLocal with a transposed output map)', () => {
    const graph = single('NonLocal', [4, 3, 5], { mode: 'embedded', inner: 2, residual: false });
    const proto = exportOnnx(graph, noisy(graph, 8)).model;
    const yShape = proto.graph?.initializer?.find((t) => t.name === 'y/y_shape');
    if (!yShape) throw new Error('no y_shape initializer');
    expect(yShape.int64Data).toEqual([0, 2, 3, 5]);
    yShape.int64Data = [0, 2, 5, 3];
    const m = importOnnx(encodeModel(proto));
    const ops = m.graph.nodes.map((n) => n.op);
    expect(ops).not.toContain('NonLocal');
    expect(ops).toEqual(expect.arrayContaining(['Conv2D', 'Reshape', 'Transpose', 'MatMul', 'Softmax']));
    expect(run(m, { x: random([2, 4, 3, 5], 9) }).shape).toEqual([2, 4, 5, 3]);
  });
});
