/**
 * import -> export -> import gives the identical graph, weights and outputs: for the pytorch-converted
 * conformance models the core imports, and for every template (template -> export -> import is the
 * first import; its export must re-import to the same graph).
 * Importer gaps are listed in IMPORTER_GAPS with the error they must give (none today: the GLU
 * cases needed ONNX Slice, gcn the GraphConv fold, resnet-nonlocal a MatMul of computed tensors;
 * all now round-trip like the others). The templates must also re-import with no gap at all.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTemplate, encodeModel, initWeights, listTemplates, Rng, Tensor, type ModelGraph, type Weights } from '../../../core/index';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx, type ImportedModel } from '../../../core/onnx/import';
import { compileGraph, outputOf, runForward } from '../../../core/train/autograd';
import { PYTORCH, pytorchCases, readBytes, readTensor, skipReason } from './conformance-util';

/** Case -> the importer error its re-import gives while the gap lasts. */
const IMPORTER_GAPS: Record<string, RegExp> = {};

const gaps: string[] = [];

/** The importer, or null when `name` is a listed importer gap and it fails the listed way. */
function importOrGap(name: string, bytes: Uint8Array): ImportedModel | null {
  try {
    return importOnnx(bytes);
  } catch (e) {
    const gap = IMPORTER_GAPS[name];
    const msg = e instanceof Error ? e.message : String(e);
    if (!gap) throw e;
    expect(msg).toMatch(gap);
    gaps.push(`${name}: ${msg}`);
    return null;
  }
}

function reimport(name: string, m: ImportedModel, opset = 17): ImportedModel | null {
  return importOrGap(name, encodeModel(exportOnnx(m.graph, m.weights, { opset }).model));
}

function run(graph: ModelGraph, weights: Weights, feeds: Record<string, Tensor>): Tensor[] {
  const cg = compileGraph(graph);
  const tape = runForward(cg, weights, feeds, { training: false, rng: new Rng(1) }, false);
  return cg.outputs.map((_, i) => outputOf(cg, tape, i));
}

function weightsAsArrays(w: Weights): Record<string, Record<string, { shape: number[]; data: number[] }>> {
  const out: Record<string, Record<string, { shape: number[]; data: number[] }>> = {};
  for (const [n, ps] of Object.entries(w)) {
    out[n] = {};
    for (const [p, t] of Object.entries(ps)) out[n][p] = { shape: [...t.shape], data: Array.from(t.data) };
  }
  return out;
}

function expectSame(a: ImportedModel, b: ImportedModel | null, feeds: Record<string, Tensor>): void {
  if (b === null) return;
  expect(b.graph).toEqual(a.graph);
  expect(weightsAsArrays(b.weights)).toEqual(weightsAsArrays(a.weights));
  const ya = run(a.graph, a.weights, feeds);
  const yb = run(b.graph, b.weights, feeds);
  expect(yb.map((t) => t.shape)).toEqual(ya.map((t) => t.shape));
  yb.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(ya[i].data)));
}

function feedsFor(m: ImportedModel, seed: number): Record<string, Tensor> {
  const rng = new Rng(seed);
  const feeds: Record<string, Tensor> = {};
  for (const inp of m.inputs) {
    const t = new Tensor(inp.shape);
    for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
    feeds[inp.name] = t;
  }
  return feeds;
}

const ran: string[] = [];
afterAll(() => {
  console.log(`export round trip: ${ran.length} models identical after import -> export -> import; importer gaps:\n  ${gaps.join('\n  ')}`);
});

describe('conformance models: import -> export -> import', () => {
  const cases = pytorchCases();
  it('finds the conformance data', () => expect(cases.length).toBeGreaterThan(50));
  for (const c of cases) {
    it(c, () => {
      let first: ImportedModel;
      try {
        first = importOnnx(readBytes(`${PYTORCH}${c}/model.onnx`));
      } catch (e) {
        const why = skipReason(e);
        if (why === null) throw e;
        return; // the conformance suite lists why the core cannot import it
      }
      const dir = `${PYTORCH}${c}/test_data_set_0/`;
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^input_\d+\.pb$/.test(f)).sort() : [];
      const feeds: Record<string, Tensor> = {};
      first.inputs.forEach((inp, i) => (feeds[inp.name] = files[i] ? readTensor(dir + files[i]) : feedsFor(first, 1)[inp.name]));
      let all = true;
      for (const opset of [11, 13, 17, 21]) {
        const again = reimport(c, first, opset);
        all &&= again !== null;
        expectSame(first, again, feeds);
      }
      if (all) ran.push(c);
    });
  }
});

describe('templates: template -> export -> import -> export -> import', () => {
  for (const t of listTemplates()) {
    it(t.name, () => {
      const graph = buildTemplate(t.name);
      const weights = initWeights(graph, new Rng(2));
      const first = importOrGap(t.name, encodeModel(exportOnnx(graph, weights).model));
      if (first === null) return;
      const feeds = feedsFor(first, 3);
      // The imported graph computes what the template computes.
      const want = run(graph, weights, feeds);
      const got = run(first.graph, first.weights, feeds);
      got.forEach((y, i) => {
        expect(y.shape).toEqual(want[i].shape);
        for (let k = 0; k < y.size; k++) expect(Math.abs(y.data[k] - want[i].data[k])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i].data[k])));
      });
      const again = reimport(t.name, first);
      expectSame(first, again, feeds);
      if (again) ran.push(`template ${t.name}`);
    });
  }
});
