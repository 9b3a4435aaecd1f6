/**
 * The export service: graph (+ weights) -> ONNX bytes, checked against ONNX Runtime on every export.
 * A plain async function so the CLI calls it in-process and a pool job can call it in a worker.
 */
import { DEFAULT_OPSET, encodeModel, exportOnnx, type ModelGraph, type OnnxIo, type Weights } from '../../core/index';
import { checkParity, type ParityOptions, type ParityResult } from './parity';

export interface ExportRequest {
  graph: ModelGraph;
  weights?: Weights;
  opset?: number;
  /** Seed for init weights of an untrained graph (default 1). */
  seed?: number;
  parity?: ParityOptions;
}

export interface ExportResult {
  bytes: Uint8Array;
  opset: number;
  /** True when the graph had no weights and seeded init weights were exported. */
  initialised: boolean;
  dynamicBatch: boolean;
  inputs: OnnxIo[];
  outputs: OnnxIo[];
  nodes: number;
  initializers: number;
  parity: ParityResult;
}

/** Exports and runs the parity check; throws OnnxError/GraphError (bad graph) or ParityError (mismatch). */
export async function exportWithParity(req: ExportRequest): Promise<ExportResult> {
  const ex = exportOnnx(req.graph, req.weights, { opset: req.opset ?? DEFAULT_OPSET, seed: req.seed });
  const bytes = encodeModel(ex.model);
  const parity = await checkParity(bytes, req.graph, ex.weights, ex.dynamicBatch ? req.parity : { ...req.parity, batch: 1 });
  return {
    bytes,
    opset: ex.opset,
    initialised: ex.initialised,
    dynamicBatch: ex.dynamicBatch,
    inputs: ex.inputs,
    outputs: ex.outputs,
    nodes: ex.model.graph?.node?.length ?? 0,
    initializers: ex.model.graph?.initializer?.length ?? 0,
    parity,
  };
}
