/**
 * Files for the export/run commands: atomic writes (temp file in the same folder + rename, so a
 * crash never leaves half a file), TensorProto .pb files, and loading a model to export from a
 * template name, a model .json or a training run directory (its model.json with trained weights).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  buildTemplate,
  decodeTensorFile,
  encodeTensorFile,
  hasTemplate,
  parseGraphJson,
  tensorFromProto,
  tensorToProto,
  type ModelGraph,
  type Tensor,
  type TemplateOptions,
  type Weights,
} from '../../core/index';

export function writeAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}

export function readTensorFile(path: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return tensorFromProto(decodeTensorFile(bytes));
  } catch (e) {
    throw new Error(`${path}: not a TensorProto file: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function writeTensorFile(path: string, name: string, t: Tensor): void {
  writeAtomic(path, encodeTensorFile(tensorToProto(name, t)));
}

export interface LoadedModel {
  graph: ModelGraph;
  weights?: Weights;
  /** 'template', 'file' or 'run'. */
  source: 'template' | 'file' | 'run';
}

/** A template name, a model .json file, or a run directory holding model.json. */
export function loadModel(target: string, templateOptions: TemplateOptions = {}): LoadedModel {
  if (hasTemplate(target) && !existsSync(target)) return { graph: buildTemplate(target, templateOptions), source: 'template' };
  if (!existsSync(target)) throw new Error(`"${target}" is neither a template nor a file or run directory`);
  const isDir = statSync(target).isDirectory();
  const file = isDir ? join(target, 'model.json') : target;
  if (isDir && !existsSync(file)) throw new Error(`${target}: a run directory needs model.json (written by \`convlab train\`)`);
  let parsed;
  try {
    parsed = parseGraphJson(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { graph: parsed.graph, weights: parsed.weights, source: isDir ? 'run' : 'file' };
}
