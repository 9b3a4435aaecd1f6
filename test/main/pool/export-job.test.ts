/**
 * The `export` job in a real pool worker: writes an .onnx file that onnxruntime-node loads and
 * that matches the core on a digit; the parity report comes back; bad targets fail with a reason
 * and leave existing files alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, Tensor, buildTemplate, compileGraph, graphToJson, initWeights, outputOf, runForward, singleFeed } from '../../../core/index';
import { bundledMnistSplit } from '../../../main/data/mnist';
import type { ExportJobResult } from '../../../main/pool/jobs/export';
import { JobPool } from '../../../main/pool/pool';
import { createSession, releaseSession, runFloat } from '../../../main/ort/adapter';
import { buildLabWorkers } from '../helpers/worker-bundle';

let pool: JobPool;
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convlab-export-job-'));
  pool = new JobPool({ workerFile: await buildLabWorkers(), threads: 1 });
}, 180_000);
afterAll(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export job', () => {
  it('exports graph JSON with weights; the file loads in onnxruntime-node and matches the core on a real digit', async () => {
    const graph = buildTemplate('lenet5');
    const weights = initWeights(graph, new Rng(11), { batch: 1 });
    const path = join(dir, 'out', 'lenet5.onnx');
    const id = pool.start('export', { graph: JSON.parse(graphToJson(graph, weights)), path, opset: 17 });
    const rec = await pool.wait(id);
    expect(rec.error).toBeUndefined();
    const r = rec.result as ExportJobResult;
    expect(r.path).toBe(path);
    expect(r.opset).toBe(17);
    expect(r.initialised).toBe(false);
    expect(r.parity.ok).toBe(true);
    expect(r.parity.maxAbs).toBeLessThan(1e-3);
    expect(r.parity.outputs.length).toBe(1);
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes.length).toBe(r.bytes);
    const digits = bundledMnistSplit().test;
    const x = new Tensor([1, 1, 28, 28], digits.samples.slice(0, 784));
    const session = await createSession(bytes);
    try {
      const out = await runFloat(session, { [session.inputNames[0]]: { shape: [1, 1, 28, 28], data: x.data } });
      const ort = out[session.outputNames[0]];
      const cg = compileGraph(graph);
      const core = outputOf(cg, runForward(cg, weights, singleFeed(cg, x), { training: false, rng: new Rng(1) }));
      expect(ort.shape).toEqual([1, 10]);
      for (let i = 0; i < 10; i++) expect(Math.abs(ort.data[i] - core.data[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(core.data[i])));
    } finally {
      await releaseSession(session);
    }
  });

  it('exports a template by name with init weights (reported), and refuses bad targets without touching files', async () => {
    const path = join(dir, 'template.onnx');
    const ok = await pool.wait(pool.start('export', { model: 'lenet5', path }));
    expect(ok.state).toBe('succeeded');
    expect((ok.result as ExportJobResult).initialised).toBe(true);
    const keep = join(dir, 'keep.onnx');
    writeFileSync(keep, 'old');
    const exists = await pool.wait(pool.start('export', { model: 'lenet5', path: keep, overwrite: false }));
    expect(exists.error?.message).toMatch(/already exists/);
    expect(readFileSync(keep, 'utf8')).toBe('old');
    const rel = await pool.wait(pool.start('export', { model: 'lenet5', path: 'rel.onnx' }));
    expect(rel.error?.message).toMatch(/absolute \.onnx/);
    const broken = await pool.wait(pool.start('export', { graph: { format: 'convlab-graph', version: 1, name: 'x', nodes: [], outputs: ['y'] }, path: join(dir, 'b.onnx') }));
    expect(broken.state).toBe('failed');
    expect(broken.error?.message).toMatch(/output "y" refers to no node/);
    expect(existsSync(join(dir, 'b.onnx'))).toBe(false);
    expect(() => pool.start('export', { model: 'lenet5', path, opset: 3 })).toThrow(/opset/);
  });
});
