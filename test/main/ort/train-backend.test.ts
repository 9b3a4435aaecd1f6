/**
 * The ORT training backend end to end on the built worker and real onnxruntime-node: a short
 * LeNet-5 run on bundled MNIST digits matches the core backend, checkpoints resume across
 * backends, and every bad input ends the run with a clear reason and the last checkpoint kept.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate, compileGraph, decodeCheckpoint, evaluate, lossFromConfig, parseGraphJson, subset, type Split } from '../../../core/index';
import { bundledMnistSplit } from '../../../main/data/mnist';
import { runTrainingOn, type BackendInfo, type BackendRunOptions } from '../../../main/train/ort-backend-run';
import { graphOf, node } from '../../core/train/helpers';
import { buildOrtTrainWorker } from '../helpers/worker-bundle';

let workerFile = '';
let data: Split;
const dirs: string[] = [];
beforeAll(async () => {
  workerFile = await buildOrtTrainWorker();
  const full = bundledMnistSplit();
  const first = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  data = { train: subset(full.train, first(512)), val: subset(full.val, first(200)), test: subset(full.test, first(200)) };
}, 180_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function options(over: Partial<BackendRunOptions>): BackendRunOptions {
  const outDir = mkdtempSync(join(tmpdir(), 'convlab-ort-run-'));
  dirs.push(outDir);
  return {
    backend: 'ort',
    graph: buildTemplate('lenet5'),
    data,
    dataSpec: 'mnist (subset)',
    epochs: 1,
    batchSize: 64,
    lr: 0.05,
    optimizer: { kind: 'sgd', momentum: 0.9 },
    seed: 5,
    threads: 1,
    outDir,
    ortWorkerFile: workerFile,
    ...over,
  };
}

describe('ORT backend runs', () => {
  it('LeNet-5, 2 epochs on 512 digits: same losses step by step and the same accuracy as the core', async () => {
    const losses = { core: [] as number[], ort: [] as number[] };
    const info: BackendInfo[] = [];
    const run = (backend: 'core' | 'ort') =>
      runTrainingOn(options({ backend, epochs: 2, onBackend: (b) => info.push(b), onEvent: (e) => void (e.type === 'step' && losses[backend].push(e.loss)) }));
    const core = await run('core');
    const ort = await run('ort');
    expect(info.map((i) => i.backend)).toEqual(['core', 'ort']);
    expect(core.status).toBe('completed');
    expect(ort.status).toBe('completed');
    expect(ort.backend).toBe('ort');
    expect(losses.ort).toHaveLength(16);
    // Early steps agree to float32 rounding; the drift stays small over 16 steps.
    for (let i = 0; i < 4; i++) expect(Math.abs(losses.ort[i] - losses.core[i]) / losses.core[i]).toBeLessThan(1e-4);
    losses.ort.forEach((l, i) => expect(Math.abs(l - losses.core[i])).toBeLessThan(0.02));
    expect(losses.ort[15]).toBeLessThan(losses.ort[0]);
    expect(Math.abs((ort.testAccuracy ?? 0) - (core.testAccuracy ?? 0))).toBeLessThanOrEqual(0.03);
    expect(ort.testAccuracy ?? 0).toBeGreaterThan(0.5);
    expect(ort.imagesPerSec).toBeGreaterThan(0);
  });

  it('augments the training batches exactly as the core does (same shifted batches, same losses)', async () => {
    const losses = { core: [] as number[], ort: [] as number[], plain: [] as number[] };
    const run = (backend: 'core' | 'ort', key: keyof typeof losses, shift: number) =>
      runTrainingOn(options({ backend, augment: shift > 0 ? { shift } : undefined, onEvent: (e) => void (e.type === 'step' && losses[key].push(e.loss)) }));
    const core = await run('core', 'core', 2);
    const ort = await run('ort', 'ort', 2);
    await run('ort', 'plain', 0);
    expect(ort.backend).toBe('ort');
    expect(ort.settings.augment).toEqual({ shift: 2 });
    for (let i = 0; i < 3; i++) expect(Math.abs(losses.ort[i] - losses.core[i]) / losses.core[i]).toBeLessThan(1e-4);
    // Without the augmentation the very first batch already gives a different loss.
    expect(Math.abs(losses.plain[0] - losses.core[0]) / losses.core[0]).toBeGreaterThan(1e-3);
    expect(core.status).toBe('completed');
  });

  it('validation and test run through ORT and equal the core evaluate of the same final weights', async () => {
    const o = options({ backend: 'ort', epochs: 1 });
    const epochs: { valLoss?: number; valAccuracy?: number }[] = [];
    const r = await runTrainingOn({ ...o, onEvent: (e) => void (e.type === 'epoch' && epochs.push(e)) });
    expect(r.status).toBe('completed');
    expect(r.evaluatedOn).toBe('ort');
    expect(r.evalFallbackReason).toBeUndefined();
    const file = parseGraphJson(readFileSync(join(o.outDir, 'model.json'), 'utf8'));
    if (!file.weights) throw new Error('model.json has no weights');
    const cg = compileGraph(file.graph);
    const loss = lossFromConfig({ kind: 'softmax-cross-entropy' });
    const test = evaluate(cg, file.weights, data.test ?? data.val, loss);
    const val = evaluate(cg, file.weights, data.val, loss);
    // Same weights, same definition; only the logits' float32 rounding differs (ORT vs the core's kernels).
    expect(Math.abs((r.testLoss ?? NaN) - test.loss) / test.loss).toBeLessThan(1e-4);
    expect(r.testAccuracy).toBeCloseTo(test.accuracy, 2);
    expect(r.confusion?.flat().reduce((a, b) => a + b, 0)).toBe(data.test?.length);
    expect(Math.abs((epochs[0].valLoss ?? NaN) - val.loss) / val.loss).toBeLessThan(1e-4);
  });

  it('a checkpoint written by one backend resumes on the other', async () => {
    const o = options({ backend: 'ort', epochs: 1, optimizer: { kind: 'adam' }, lr: 0.002 });
    const first = await runTrainingOn(o);
    expect(first.status).toBe('completed');
    const cp = decodeCheckpoint(readFileSync(join(o.outDir, 'checkpoint.clck')));
    expect(cp.step).toBe(8);
    expect(cp.optimizer.t).toBe(8);
    expect(Object.keys(cp.optimizer.slots)).toContain('c1/weight');
    const bad = [...Object.entries(cp.weights).flatMap(([n, r]) => Object.entries(r).map(([p, t]) => [`${n}.${p}`, t.data] as const)), ...Object.entries(cp.optimizer.slots).flatMap(([n, r]) => Object.entries(r).map(([p, t]) => [`${n}:${p}`, t] as const))].filter(([, d]) => d.some((v) => !Number.isFinite(v)));
    expect(bad.map(([k]) => k)).toEqual([]);
    const onCore = await runTrainingOn({ ...o, backend: 'core', epochs: 2, resume: true });
    expect(onCore.status, onCore.message).toBe("completed");
    expect(onCore.epochs).toHaveLength(2);
    expect(decodeCheckpoint(readFileSync(join(o.outDir, 'checkpoint.clck'))).step).toBe(16);
    const backOnOrt = await runTrainingOn({ ...o, backend: 'ort', epochs: 3, resume: true });
    expect(backOnOrt.status).toBe('completed');
    expect(backOnOrt.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
  });
});

describe('ORT backend bad input', () => {
  it('a model the compiler cannot handle falls back to the core and says why', async () => {
    const g = graphOf('lrn-net', [node('input', 'Input', [], { shape: [1, 28, 28] }), node('c', 'Conv2D', ['input'], { filters: 2, kernel: 5, stride: 3 }), node('act', 'LRN', ['c'], { size: 3 }), node('f', 'Flatten', ['act']), node('out', 'Dense', ['f'], { units: 10 })], ['out']);
    const info: BackendInfo[] = [];
    const m = await runTrainingOn(options({ backend: 'auto', graph: g, onBackend: (b) => info.push(b) }));
    expect(m.status).toBe('completed');
    expect(m.backend).toBe('core');
    expect(m.fallbackReason).toMatch(/no ONNX backward rule for op\(s\) LRN \(LRN "act"\)/);
    expect(info[0]).toMatchObject({ backend: 'core' });
    expect(info[0].reason).toBe(m.fallbackReason);
  });

  it('a session that fails to build ends the run with the reason', async () => {
    const o = options({ testModelBytes: (b) => b.subarray(0, Math.floor(b.length / 3)) });
    const m = await runTrainingOn(o);
    expect(m.status).toBe('failed');
    expect(m.message).toMatch(/ort backend: the ONNX Runtime session could not be built: ort: could not build a session/);
    expect(JSON.parse(readFileSync(join(o.outDir, 'metrics.json'), 'utf8')).status).toBe('failed');
  });

  for (const kind of ['bad-feed', 'crash'] as const) {
    it(`${kind === 'bad-feed' ? 'an ORT error' : 'a worker crash'} mid-run ends the run and keeps the last checkpoint`, async () => {
      const o = options({ epochs: 2, testFault: { step: 10, kind } });
      const m = await runTrainingOn(o);
      expect(m.status).toBe('failed');
      expect(m.message).toContain('at step 11 (epoch 2, batch 3)');
      expect(m.message).toMatch(kind === 'bad-feed' ? /ort: run failed: .*/ : /the ORT worker exited \(code 3\)/);
      expect(m.message).toContain('kept the last checkpoint (step 8)');
      expect(existsSync(join(o.outDir, 'checkpoint.clck'))).toBe(true);
      expect(decodeCheckpoint(readFileSync(join(o.outDir, 'checkpoint.clck'))).step).toBe(8);
      // The kept checkpoint resumes.
      const resumed = await runTrainingOn({ ...o, testFault: undefined, resume: true });
      expect(resumed.status).toBe('completed');
      expect(resumed.epochs).toHaveLength(2);
    });
  }
});
