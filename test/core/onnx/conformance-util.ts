/** Shared by the conformance and fuzz tests: where the ONNX backend data lives, running an import in the core, comparing. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { decodeTensorFile } from '../../../core/onnx/codec';
import { OnnxError } from '../../../core/onnx/errors';
import { importOnnx, type ImportedModel } from '../../../core/onnx/import';
import { tensorFromProto } from '../../../core/onnx/tensor-proto';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { compileGraph, outputOf, runForward } from '../../../core/train/autograd';
import { ONNX_BACKEND_DIR } from '../../fixtures/conformance-dir';

export const BACKEND = ONNX_BACKEND_DIR;
export const PYTORCH = BACKEND + 'pytorch-converted/';
export const LIGHT = BACKEND + 'light/';

export function pytorchCases(): string[] {
  return existsSync(PYTORCH) ? readdirSync(PYTORCH).sort() : [];
}

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

export function readTensor(path: string): Tensor {
  return tensorFromProto(decodeTensorFile(readBytes(path)));
}

/** Why a case is skipped (the core lacks an op), or null when it should run. Other import errors are real failures. */
export function skipReason(e: unknown): string | null {
  if (!(e instanceof OnnxError)) return null;
  const unsupported = /unsupported ops: (.*)$/.exec(e.message);
  if (unsupported) return `unsupported ONNX op ${unsupported[1]}`;
  const unknown = /unknown op type "(\w+)"/.exec(e.message) ?? /the core lacks ops (.*)$/.exec(e.message);
  if (unknown) return `core op ${unknown[1]} not available yet`;
  return null;
}

/** Runs an imported model in the core (eval mode) on full-shape feeds in graph-input order. */
export function runInCore(m: ImportedModel, feeds: readonly Tensor[]): Tensor {
  const cg = compileGraph(m.graph);
  const byName: Record<string, Tensor> = {};
  m.inputs.forEach((inp, i) => (byName[inp.name] = feeds[i]));
  const tape = runForward(cg, m.weights, byName, { training: false, rng: new Rng(1) });
  return outputOf(cg, tape, 0);
}

export interface Mismatch {
  worst: number;
  index: number;
  got: number;
  want: number;
  maxAbs: number;
}

/** The ONNX runner's criterion |a - e| <= atol + rtol * |e|; returns the worst violation ratio (<= 1 passes). */
export function compare(got: Tensor, want: Tensor, rtol: number, atol: number): Mismatch {
  let worst = 0;
  let index = -1;
  let maxAbs = 0;
  for (let i = 0; i < want.size; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    maxAbs = Math.max(maxAbs, d);
    const r = Number.isNaN(d) ? Infinity : d / (atol + rtol * Math.abs(want.data[i]));
    if (r > worst) {
      worst = r;
      index = i;
    }
  }
  return { worst, index, got: got.data[index] ?? NaN, want: want.data[index] ?? NaN, maxAbs };
}
