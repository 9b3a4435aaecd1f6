/** `convlab export` and `convlab run` driven through the CLI parser on real files in temp folders. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTemplate, decodeModel, graphToJson, initWeights, Rng, Tensor, tensorFromProto } from '../../../core/index';
import type { CliIo } from '../../../main/cli/command';
import { exportCommand } from '../../../main/cli/commands/export';
import { runCommand } from '../../../main/cli/commands/run';
import { runCli } from '../../../main/cli/run-cli';
import { readTensorFile, writeTensorFile } from '../../../main/onnx/files';
import { runCore } from '../../../main/onnx/parity';
import { PYTORCH } from '../../core/onnx/conformance-util';
import { trainedLike } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'convlab-cli-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), interrupted: new Promise(() => {}) };
  const code = await runCli(argv, [exportCommand, runCommand], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function randomInput(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

/** max |got - want| / (atol + rtol |want|); <= 1 passes. */
function worstViolation(got: Tensor, want: Tensor, rtol: number, atol: number): number {
  let worst = 0;
  for (let i = 0; i < want.size; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]) / (atol + rtol * Math.abs(want.data[i])));
  return Number.isNaN(worst) ? Infinity : worst;
}

function noTempFiles(folder: string): void {
  expect(readdirSync(folder).filter((f) => f.includes('.tmp-'))).toEqual([]);
}

describe('convlab export', () => {
  it('exports a template, prints the parity figures and writes a valid model', async () => {
    const file = join(dir, 'lenet.onnx');
    const r = await cli('export', 'lenet5', '-o', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote .*lenet\.onnx: \d+ bytes, opset 17/);
    expect(r.out).toMatch(/input  input \[N, 1, 28, 28\]/);
    expect(r.out).toMatch(/parity vs ONNX Runtime \(batch 2, seed 1\): max abs \d\.\d+e[-+]\d+, max rel \d\.\d+e[-+]\d+ .* OK/);
    expect(decodeModel(new Uint8Array(readFileSync(file))).producerName).toBe('ConvLab');
    noTempFiles(dir);
  });

  it('exports a model .json with its weights, and a run directory, at a chosen opset', async () => {
    const graph = buildTemplate('resnet-basic');
    const weights = trainedLike(graph, 4);
    const json = join(dir, 'resnet.json');
    writeFileSync(json, graphToJson(graph, weights));
    const file = join(dir, 'resnet.onnx');
    const r = await cli('export', json, '-o', file, '--opset', '13');
    expect(r.code).toBe(0);
    expect(r.out).toContain('opset 13');
    expect(r.out).toContain('trained weights');
    const model = decodeModel(new Uint8Array(readFileSync(file)));
    const init = model.graph?.initializer?.find((t) => t.name === 'b1_conv1.weight') ?? model.graph?.initializer?.[0];
    expect(init).toBeDefined();
    if (init?.name) {
      const [node, param] = init.name.split('.');
      expect(Array.from(tensorFromProto(init).data)).toEqual(Array.from(weights[node][param].data));
    }
    const runDir = join(dir, 'run1');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'model.json'), graphToJson(graph, weights));
    const r2 = await cli('export', runDir, '-o', join(dir, 'run1.onnx'), '--opset', '13');
    expect(r2.code).toBe(0);
    // Same graph and weights from the run directory: the same bytes.
    expect(readFileSync(join(dir, 'run1.onnx')).equals(readFileSync(file))).toBe(true);
  });

  it('refuses a bad opset and an unknown model with one clear line', async () => {
    const bad = await cli('export', 'lenet5', '-o', join(dir, 'x.onnx'), '--opset', '10');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/opset 10 is not supported; ConvLab exports opsets 11 to 21/);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
    const unknown = await cli('export', 'no-such-model', '-o', join(dir, 'y.onnx'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/neither a template nor a file/);
  });
});

describe('convlab run', () => {
  it('runs an exported model in the core and in ORT; both match the template forward', async () => {
    const file = join(dir, 'mobilenet.onnx');
    expect((await cli('export', 'mobilenet', '-o', file, '--seed', '3')).code).toBe(0);
    const graph = buildTemplate('mobilenet');
    const x = randomInput([3, ...(graph.nodes[0].attrs.shape as number[])], 8);
    const inFile = join(dir, 'in_0.pb');
    writeTensorFile(inFile, 'input', x);
    const outs: Tensor[] = [];
    for (const backend of ['core', 'ort']) {
      const outDir = join(dir, `out-${backend}`);
      const r = await cli('run', file, '--input', inFile, '--out', outDir, '--backend', backend);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/wrote .*output_0\.pb/);
      noTempFiles(outDir);
      outs.push(readTensorFile(join(outDir, 'output_0.pb')));
    }
    const want = runCore(graph, initWeights(graph, new Rng(3)), { input: x })[0];
    for (const y of outs) {
      expect(y.shape).toEqual(want.shape);
      expect(worstViolation(y, want, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
    }
    // The core backend runs the re-imported model with the very same weights: bit-identical to the template.
    expect(Buffer.from(outs[0].data.buffer).equals(Buffer.from(want.data.buffer))).toBe(true);
  });

  it('runs a conformance model on its input and matches output_0.pb', async () => {
    const caseDir = `${PYTORCH}test_Conv2d_strided/`;
    if (!existsSync(caseDir)) return;
    const outDir = join(dir, 'conf');
    for (const backend of ['core', 'ort']) {
      const r = await cli('run', `${caseDir}model.onnx`, '--input', `${caseDir}test_data_set_0/input_0.pb`, '--out', outDir, '--backend', backend);
      expect(r.code, r.err).toBe(0);
      const got = readTensorFile(join(outDir, 'output_0.pb'));
      const want = readTensorFile(`${caseDir}test_data_set_0/output_0.pb`);
      expect(got.shape).toEqual(want.shape);
      expect(worstViolation(got, want, 1e-3, 1e-7)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a wrong input count, a bad backend and a non-ONNX file', async () => {
    const file = join(dir, 'lenet.onnx');
    if (!existsSync(file)) expect((await cli('export', 'lenet5', '-o', file)).code).toBe(0);
    const inFile = join(dir, 'l_in.pb');
    writeTensorFile(inFile, 'input', randomInput([1, 1, 28, 28], 1));
    const two = await cli('run', file, '--input', inFile, '--input', inFile, '--out', join(dir, 'o'));
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/1 input\(s\) \(input\) but 2 --input/);
    const backend = await cli('run', file, '--input', inFile, '--out', join(dir, 'o'), '--backend', 'gpu');
    expect(backend.code).toBe(2);
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model at all');
    const bad = await cli('run', junk, '--input', inFile, '--out', join(dir, 'o'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/convlab run: .*junk\.onnx: /);
    expect(existsSync(join(dir, 'o', 'output_0.pb'))).toBe(false);
  });
});
