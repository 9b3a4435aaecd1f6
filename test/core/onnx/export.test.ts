/** The ONNX exporter's model structure: opsets, IR versions, names, dims, initializers, docs and refusals. */
import { describe, expect, it } from 'vitest';
import { buildTemplate, decodeModel, encodeModel, GraphError, initWeights, listTemplates, OnnxError, Rng, tensorFromProto, type ModelGraph } from '../../../core/index';
import { exportOnnx, irVersionFor } from '../../../core/onnx/export';
import { AttributeProto_AttributeType as AT, type NodeProto } from '../../../core/onnx/generated/onnx';

function ops(nodes: NodeProto[] | undefined): string[] {
  return (nodes ?? []).map((n) => n.opType ?? '');
}

function geluGraph(): ModelGraph {
  return {
    format: 'convlab-graph',
    version: 1,
    name: 'gelu-net',
    nodes: [
      { name: 'x', op: 'Input', inputs: [], attrs: { shape: [8] } },
      { name: 'fc', op: 'Dense', inputs: ['x'], attrs: { units: 4 }, doc: 'the only layer' },
      { name: 'act', op: 'GELU', inputs: ['fc'], attrs: {} },
    ],
    outputs: ['act'],
  };
}

describe('opset selection', () => {
  it('defaults to opset 17 with IR version 8 and the ConvLab producer', () => {
    const { model, opset } = exportOnnx(buildTemplate('lenet5'));
    expect(opset).toBe(17);
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(model.producerName).toBe('ConvLab');
    expect(model.producerVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('matches the IR version released with each opset', () => {
    expect([11, 12, 13, 14, 15, 17, 18, 19, 20, 21].map(irVersionFor)).toEqual([6, 7, 7, 7, 8, 8, 8, 9, 9, 10]);
    for (const opset of [11, 13, 19, 21]) expect(exportOnnx(geluGraph(), undefined, { opset }).model.irVersion).toBe(irVersionFor(opset));
  });

  it('GELU is one Gelu op from opset 20 and Erf/Mul/Add below', () => {
    expect(ops(exportOnnx(geluGraph(), undefined, { opset: 20 }).model.graph?.node)).toEqual(['Gemm', 'Gelu']);
    const low = ops(exportOnnx(geluGraph(), undefined, { opset: 17 }).model.graph?.node);
    expect(low).toContain('Erf');
    expect(low).not.toContain('Gelu');
  });

  it('NodeMeanPool takes ReduceMean axes as an attribute before opset 18 and as an input from 18', () => {
    const g = buildTemplate('gcn');
    const graph: ModelGraph = { ...g, nodes: [...g.nodes, { name: 'readout', op: 'NodeMeanPool', inputs: [g.outputs[0]], attrs: {} }], outputs: ['readout'] };
    const at = (opset: number) => exportOnnx(graph, undefined, { opset }).model.graph?.node?.find((n) => n.opType === 'ReduceMean');
    expect(at(17)?.input).toHaveLength(1);
    expect(at(17)?.attribute?.find((a) => a.name === 'axes')?.ints).toEqual([0]);
    expect(at(18)?.input).toHaveLength(2);
  });

  it('refuses opsets outside 11..21 with the reason', () => {
    for (const bad of [10, 22, 17.5, 0]) {
      expect(() => exportOnnx(geluGraph(), undefined, { opset: bad })).toThrow(OnnxError);
      expect(() => exportOnnx(geluGraph(), undefined, { opset: bad })).toThrow(/opsets 11 to 21/);
    }
  });

  it('refuses, per node and all in one error, what an older opset cannot express', () => {
    const graph: ModelGraph = {
      format: 'convlab-graph',
      version: 1,
      name: 'sm',
      nodes: [
        { name: 'x', op: 'Input', inputs: [], attrs: { shape: [3, 4, 4] } },
        { name: 'channels', op: 'Softmax', inputs: ['x'], attrs: { axis: 1 } },
        { name: 'rows', op: 'LogSoftmax', inputs: ['channels'], attrs: { axis: 2 } },
        { name: 'last', op: 'Softmax', inputs: ['rows'], attrs: {} },
        { name: 'drop', op: 'Dropout', inputs: ['last'], attrs: { rate: 0.25 } },
      ],
      outputs: ['drop'],
    };
    const err = (() => {
      try {
        exportOnnx(graph, undefined, { opset: 12 });
      } catch (e) {
        return e instanceof Error ? e.message : '';
      }
      return 'no error';
    })();
    expect(err).toMatch(/opset 12 cannot express 2 node\(s\); use --opset 13 or newer/);
    expect(err).toMatch(/Softmax "channels" needs opset >= 13: Softmax over axis 1 of a rank-4 input/);
    expect(err).toMatch(/LogSoftmax "rows" needs opset >= 13/);
    expect(err).not.toMatch(/"last"/);
    expect(exportOnnx(graph, undefined, { opset: 13 }).opset).toBe(13);
    // Last-axis softmax and Dropout (ratio as an attribute before 12) export at opset 11.
    const ok = exportOnnx({ ...graph, nodes: graph.nodes.filter((n) => n.name !== 'channels' && n.name !== 'rows').map((n) => (n.name === 'last' ? { ...n, inputs: ['x'] } : n)) }, undefined, { opset: 11 });
    expect(ok.model.irVersion).toBe(6);
    const drop = ok.model.graph?.node?.find((n) => n.opType === 'Dropout');
    expect(drop?.input).toEqual(['last']);
    expect(drop?.attribute?.[0]).toEqual({ name: 'ratio', type: AT.FLOAT, f: 0.25 });
  });
});

describe('model structure', () => {
  it('names inputs, outputs and final node values after the graph, with a dynamic batch', () => {
    const graph = buildTemplate('lenet5');
    const { model, inputs, outputs } = exportOnnx(graph);
    const g = model.graph;
    expect(inputs).toEqual([{ name: 'input', dims: ['N', 1, 28, 28] }]);
    expect(outputs[0].dims).toEqual(['N', 10]);
    expect(g?.input?.[0].type?.tensorType?.shape?.dim?.[0]).toEqual({ dimParam: 'N' });
    expect(g?.output?.map((o) => o.name)).toEqual(graph.outputs);
    const produced = new Set((g?.node ?? []).flatMap((n) => n.output ?? []));
    for (const n of graph.nodes) if (n.op !== 'Input') expect(produced.has(n.name)).toBe(true);
  });

  it('keeps a fixed first dimension (GCN node count) as a value', () => {
    const { inputs } = exportOnnx(buildTemplate('gcn'));
    expect(inputs).toEqual([
      { name: 'features', dims: [34, 34] },
      { name: 'adjacency', dims: [34, 34] },
    ]);
  });

  it('writes the given weights bit-exactly as initializers <node>.<param>', () => {
    const graph = buildTemplate('resnet-basic');
    const weights = initWeights(graph, new Rng(5));
    const { model, initialised } = exportOnnx(graph, weights);
    expect(initialised).toBe(false);
    const inits = new Map((model.graph?.initializer ?? []).map((t) => [t.name, t]));
    for (const [node, params] of Object.entries(weights)) {
      for (const [name, t] of Object.entries(params)) {
        const proto = inits.get(`${node}.${name}`);
        expect(proto, `${node}.${name}`).toBeDefined();
        if (proto) expect(Array.from(tensorFromProto(proto).data)).toEqual(Array.from(t.data));
      }
    }
  });

  it('exports BatchNorm in inference form and Dense as Gemm transB=1', () => {
    const { model } = exportOnnx(buildTemplate('resnet8'));
    const bn = model.graph?.node?.find((n) => n.opType === 'BatchNormalization');
    expect(bn?.input).toHaveLength(5);
    expect(bn?.output).toHaveLength(1);
    expect(bn?.input?.slice(3).every((i) => /running(Mean|Var)$/.test(i))).toBe(true);
    const gemm = model.graph?.node?.find((n) => n.opType === 'Gemm');
    expect(gemm?.attribute?.find((a) => a.name === 'transB')).toEqual({ name: 'transB', type: AT.INT, i: 1 });
  });

  it('gives every node a doc_string and the graph the summary table', () => {
    const { model } = exportOnnx(geluGraph());
    const nodes = model.graph?.node ?? [];
    expect(nodes.every((n) => (n.docString ?? '').length > 0)).toBe(true);
    expect(nodes[0].docString).toBe('the only layer');
    expect(nodes[1].docString).toMatch(/^GELU "act": /);
    expect(model.graph?.docString).toContain('Model "gelu-net"');
    expect(model.graph?.docString).toContain('Dense');
  });

  it('is deterministic for a seed and seeds untrained weights', () => {
    const graph = buildTemplate('mobilenet');
    const a = encodeModel(exportOnnx(graph, undefined, { seed: 4 }).model);
    const b = encodeModel(exportOnnx(graph, undefined, { seed: 4 }).model);
    const c = encodeModel(exportOnnx(graph, undefined, { seed: 5 }).model);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(decodeModel(a).graph?.node?.length).toBeGreaterThan(0);
  });

  it('uses only standard ai.onnx ops (no custom domain) for every template', () => {
    for (const t of listTemplates()) {
      const nodes = exportOnnx(buildTemplate(t.name)).model.graph?.node ?? [];
      expect(nodes.filter((n) => n.domain).map((n) => n.opType), t.name).toEqual([]);
      // Every value a node reads is a graph input, an initializer or an earlier node's output.
      const known = new Set([...(exportOnnx(buildTemplate(t.name)).model.graph?.initializer ?? []).map((i) => i.name), ...t.inputs.map((i) => i.name)]);
      for (const n of nodes) {
        for (const i of n.input ?? []) expect(known.has(i), `${t.name}: ${n.name} reads ${i}`).toBe(true);
        for (const o of n.output ?? []) known.add(o);
      }
    }
  });

  it('composes BlurPool as reflect Pad + depthwise Conv with the binomial filter', () => {
    const graph: ModelGraph = {
      format: 'convlab-graph',
      version: 1,
      name: 'blur',
      nodes: [
        { name: 'x', op: 'Input', inputs: [], attrs: { shape: [2, 8, 8] } },
        { name: 'b', op: 'BlurPool', inputs: ['x'], attrs: { filterSize: 3 } },
      ],
      outputs: ['b'],
    };
    const { model } = exportOnnx(graph);
    expect(ops(model.graph?.node)).toEqual(['Pad', 'Conv']);
    const filter = model.graph?.initializer?.find((t) => t.name === 'b/blur_filter');
    const w = filter ? tensorFromProto(filter) : undefined;
    expect(w?.shape).toEqual([2, 1, 3, 3]);
    expect(Array.from(w?.data.slice(0, 9) ?? [])).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => Math.fround(v / 16)));
    expect(model.graph?.node?.[1].attribute?.find((a) => a.name === 'group')?.i).toBe(2);
  });
});

describe('refusals', () => {
  it('refuses an invalid graph with the node errors', () => {
    const g = geluGraph();
    const bad: ModelGraph = { ...g, nodes: g.nodes.map((n) => (n.name === 'fc' ? { ...n, attrs: { units: 0 } } : n)) };
    expect(() => exportOnnx(bad)).toThrow(GraphError);
    expect(() => exportOnnx(bad)).toThrow(/fc/);
  });

  it('refuses weights that do not fit, naming the node and param', () => {
    const g = geluGraph();
    const weights = initWeights(g, new Rng(1));
    delete weights.fc.bias;
    expect(() => exportOnnx(g, weights)).toThrow(/fc.*bias/);
  });

  it('refuses a graph output that is an input', () => {
    const g = geluGraph();
    expect(() => exportOnnx({ ...g, outputs: ['x'] })).toThrow(/graph output "x" is a graph input/);
  });
});
