/**
 * `convlab run <model.onnx> --input in_0.pb [--input in_1.pb ...] --out <dir> [--backend core|ort]`:
 * runs an ONNX model on TensorProto inputs, in the core (imported) or in ONNX Runtime, and writes
 * output_<i>.pb TensorProto files (atomically) in graph-output order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphError, importOnnx, OnnxError, Tensor, type ImportedModel } from '../../../core/index';
import { runCore } from '../../onnx/parity';
import { readTensorFile, writeTensorFile } from '../../onnx/files';
import { createSession, OrtError, releaseSession, runFloat } from '../../ort/adapter';
import { optList, optString, UsageError, type Command } from '../command';

export interface NamedOutput {
  name: string;
  tensor: Tensor;
}

export function runImported(m: ImportedModel, inputs: readonly Tensor[]): NamedOutput[] {
  if (inputs.length !== m.inputs.length) {
    throw new UsageError(`the model has ${m.inputs.length} input(s) (${m.inputs.map((i) => i.name).join(', ')}) but ${inputs.length} --input file(s) were given`);
  }
  const feeds: Record<string, Tensor> = {};
  m.inputs.forEach((inp, i) => (feeds[inp.name] = inputs[i]));
  const outs = runCore(m.graph, m.weights, feeds);
  return m.graph.outputs.map((name, i) => ({ name, tensor: outs[i] }));
}

export async function runOrt(bytes: Uint8Array, inputs: readonly Tensor[]): Promise<NamedOutput[]> {
  const session = await createSession(bytes, { provider: 'cpu' });
  try {
    if (inputs.length !== session.inputNames.length) {
      throw new UsageError(`the model has ${session.inputNames.length} input(s) (${session.inputNames.join(', ')}) but ${inputs.length} --input file(s) were given`);
    }
    const feeds: Record<string, { shape: number[]; data: Float32Array }> = {};
    session.inputNames.forEach((name, i) => (feeds[name] = { shape: [...inputs[i].shape], data: inputs[i].data }));
    const res = await runFloat(session, feeds);
    return session.outputNames.map((name) => ({ name, tensor: new Tensor(res[name].shape, res[name].data) }));
  } finally {
    await releaseSession(session);
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run an ONNX model on TensorProto inputs in the core or ONNX Runtime; writes output_<i>.pb.',
  details: 'Inputs are given in graph-input order. --backend core (default) imports the model into the core; --backend ort runs it in ONNX Runtime.',
  positionals: [{ name: 'model', description: 'an .onnx file' }],
  options: [
    { name: 'input', type: 'string', repeatable: true, description: 'a TensorProto .pb file per graph input, in order', placeholder: 'FILE' },
    { name: 'out', type: 'string', description: 'folder for output_<i>.pb (created if missing)', placeholder: 'DIR' },
    { name: 'backend', type: 'string', description: 'core (default) | ort', placeholder: 'NAME' },
  ],
  async run(args, io) {
    const model = args.positionals[0];
    if (!model) throw new UsageError('which model? give an .onnx file');
    const out = optString(args, 'out');
    if (!out) throw new UsageError('--out <dir> is required');
    const backend = optString(args, 'backend') ?? 'core';
    if (backend !== 'core' && backend !== 'ort') throw new UsageError(`--backend must be core or ort, got "${backend}"`);
    const files = optList(args, 'input');
    if (files.length === 0) throw new UsageError('give at least one --input <file.pb>');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(model));
    } catch (e) {
      throw new UsageError(`${model}: ${e instanceof Error ? e.message : String(e)}`);
    }
    let inputs: Tensor[];
    try {
      inputs = files.map(readTensorFile);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    let outputs: NamedOutput[];
    try {
      outputs = backend === 'ort' ? await runOrt(bytes, inputs) : runImported(importOnnx(bytes), inputs);
    } catch (e) {
      if (e instanceof OnnxError || e instanceof GraphError || e instanceof OrtError) {
        io.err(`convlab run: ${model}: ${e.message}`);
        return 1;
      }
      throw e;
    }
    outputs.forEach((o, i) => {
      const path = join(out, `output_${i}.pb`);
      writeTensorFile(path, o.name, o.tensor);
      io.out(`wrote ${path}: ${o.name} [${o.tensor.shape.join(', ')}]`);
    });
    return 0;
  },
};
