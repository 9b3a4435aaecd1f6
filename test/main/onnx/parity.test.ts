/** The parity check itself: the comparison arithmetic, and that a wrong export is caught as an error. */
import { describe, expect, it } from 'vitest';
import { buildTemplate, encodeModel, exportOnnx, initWeights, Rng, tensorFromProto, tensorToProto } from '../../../core/index';
import { checkParity, compareOutput, ParityError, parityLine } from '../../../main/onnx/parity';
import { adjacencyInputs, sampleFeeds } from '../../../main/onnx/sample';

describe('compareOutput', () => {
  it('reports max abs, max rel and the worst tolerance ratio', () => {
    const ort = Float32Array.from([1, -2, 100, 0]);
    const core = Float32Array.from([1.0001, -2, 100.02, 0]);
    const r = compareOutput('y', core, ort, [4], 1e-4, 1e-5);
    expect(r.maxAbs).toBeCloseTo(0.02, 5);
    expect(r.maxRel).toBeCloseTo(2e-4, 6);
    // atol scales with max |ort| = 100: 1e-3; element 2: 0.02 / (1e-3 + 1e-2) = 1.82.
    expect(r.worst).toBeCloseTo(0.02 / (1e-3 + 1e-2), 2);
  });

  it('treats NaN on one side as an unbounded error', () => {
    const r = compareOutput('y', Float32Array.from([NaN]), Float32Array.from([1]), [1], 1e-4, 1e-5);
    expect(r.worst).toBe(Infinity);
  });
});

describe('sample feeds', () => {
  it('gives GraphConv adjacency inputs a symmetric 0/1 matrix and others seeded normals', () => {
    const g = buildTemplate('gcn');
    expect([...adjacencyInputs(g)]).toEqual(['adjacency']);
    const feeds = sampleFeeds(g, 2, 4);
    const a = feeds.adjacency;
    expect(a.shape).toEqual([34, 34]);
    for (let i = 0; i < 34; i++) for (let j = 0; j < 34; j++) expect(a.data[i * 34 + j]).toBe(a.data[j * 34 + i]);
    expect(new Set(a.data)).toEqual(new Set([0, 1]));
    expect(Array.from(sampleFeeds(g, 2, 4).features.data)).toEqual(Array.from(feeds.features.data));
  });
});

describe('checkParity', () => {
  it('passes a faithful export and fails one whose weights were altered', async () => {
    const graph = buildTemplate('lenet5');
    const weights = initWeights(graph, new Rng(1));
    const { model } = exportOnnx(graph, weights);
    const ok = await checkParity(encodeModel(model), graph, weights);
    expect(ok.ok).toBe(true);
    expect(parityLine(ok)).toMatch(/OK$/);

    // Scale one conv weight by 1.01 in the file only: a 1% error must be caught.
    const inits = model.graph?.initializer ?? [];
    const idx = inits.findIndex((t) => t.name?.endsWith('.weight'));
    const w = tensorFromProto(inits[idx]);
    for (let i = 0; i < w.size; i++) w.data[i] *= 1.01;
    inits[idx] = tensorToProto(inits[idx].name ?? '', w);
    const err = await checkParity(encodeModel(model), graph, weights).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParityError);
    if (err instanceof ParityError) {
      expect(err.result.ok).toBe(false);
      expect(err.result.worst).toBeGreaterThan(1);
      expect(err.message).toMatch(/disagree beyond rtol 0.0001/);
    }
  });
});
