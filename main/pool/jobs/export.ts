/**
 * `export`: graph + weights -> ONNX file, checked against ONNX Runtime before anything is written
 * (main/onnx/export-service.ts). A parity mismatch fails the job with the figures and writes no
 * file; a passing export is written durably (temp + fsync + rename) and the parity report returned.
 * Untrained graphs export seeded init weights (reported as `initialised`).
 */
import { existsSync } from 'node:fs';
import { extname, isAbsolute } from 'node:path';
import { z } from 'zod';
import { MAX_OPSET, MIN_OPSET, type OnnxIo } from '../../../core/index';
import { exportWithParity } from '../../onnx/export-service';
import type { ParityResult } from '../../onnx/parity';
import { writeFileDurable } from '../../projects/atomic';
import { defineJob } from '../job';
import { modelInput, readModelInput } from './model-input';

export const exportParams = z.strictObject({
  ...modelInput,
  /** Absolute path of the .onnx file to write. */
  path: z.string().min(1),
  opset: z.int().min(MIN_OPSET).max(MAX_OPSET).optional(),
  /** Seed for init weights when the graph has none. */
  seed: z.int().default(1),
  /** Batch of seeded samples for the parity check. */
  parityBatch: z.int().min(1).max(64).default(2),
  overwrite: z.boolean().default(true),
});

export interface ExportJobResult {
  path: string;
  bytes: number;
  opset: number;
  initialised: boolean;
  dynamicBatch: boolean;
  nodes: number;
  initializers: number;
  inputs: OnnxIo[];
  outputs: OnnxIo[];
  parity: ParityResult;
}

export const exportJob = defineJob({
  kind: 'export',
  summary: 'Exports a model to an ONNX file after checking it against ONNX Runtime (parity report; a mismatch is an error).',
  params: exportParams,
  async run(p, ctx): Promise<ExportJobResult> {
    if (!isAbsolute(p.path) || extname(p.path).toLowerCase() !== '.onnx') throw new Error(`export: path must be an absolute .onnx file path, got "${p.path}"`);
    if (!p.overwrite && existsSync(p.path)) throw new Error(`export: ${p.path} already exists`);
    const { graph, weights } = readModelInput(p, 'export');
    ctx.progress(0, 2, `exporting ${graph.name} and checking it against ONNX Runtime`);
    const ex = await exportWithParity({ graph, weights, opset: p.opset, seed: p.seed, parity: { batch: p.parityBatch } });
    ctx.throwIfCancelled();
    ctx.progress(1, 2, `parity ok (max abs ${ex.parity.maxAbs.toExponential(2)}, max rel ${ex.parity.maxRel.toExponential(2)}); writing ${p.path}`, {
      maxAbs: ex.parity.maxAbs,
      maxRel: ex.parity.maxRel,
    });
    const bytes = writeFileDurable(p.path, ex.bytes);
    ctx.progress(2, 2, `wrote ${bytes} bytes`);
    return {
      path: p.path,
      bytes,
      opset: ex.opset,
      initialised: ex.initialised,
      dynamicBatch: ex.dynamicBatch,
      nodes: ex.nodes,
      initializers: ex.initializers,
      inputs: ex.inputs,
      outputs: ex.outputs,
      parity: ex.parity,
    };
  },
});
