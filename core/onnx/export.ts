/**
 * ConvLab graph (+ weights) -> ONNX ModelProto. Opset 17 by default, 11..21 selectable where the
 * graph's ops allow (a node the opset cannot express is refused with the reason, all such nodes in
 * one error); the IR version is the one released with the opset. Graph inputs keep the Input node names with a
 * dynamic batch dimension (dim_param "N") unless the input fixes it (GCN node counts); every node's
 * final ONNX value carries the node's name, so a re-import names its nodes the same way; weights
 * are float32 initializers `<node>.<param>`; node doc_strings carry each node's doc (or its op
 * summary) and the graph's doc_string the summary table. Untrained graphs get seeded init weights.
 * Op mappings live in export-layers.ts, export-basic.ts and export-composites.ts.
 */
import { INPUT_OP, inferShapes, type NodeInfo } from '../graph/shapes';
import { summarizeGraph } from '../graph/summary';
import { GraphError, type ModelGraph, type Weights } from '../graph/types';
import { checkWeights, initWeights } from '../graph/weights';
import { Rng } from '../tensor/rng';
import type { Shape } from '../tensor/tensor';
import { basicExporters } from './export-basic';
import { compositeExporters } from './export-composites';
import { ExportArgs, ExportContext, OpsetRefusal, type OpExporter } from './export-context';
import { interopExporters } from './export-interop';
import { layerExporters } from './export-layers';
import { OnnxError } from './errors';
import { TensorProto_DataType, type ModelProto, type TensorShapeProto_Dimension, type ValueInfoProto } from './generated/onnx';

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 11;
export const MAX_OPSET = 21;
export const PRODUCER_NAME = 'ConvLab';
export const PRODUCER_VERSION = '0.1.0';
/** The name of the dynamic batch dimension. */
export const BATCH_PARAM = 'N';

export const exporters: Readonly<Record<string, OpExporter>> = { ...layerExporters, ...basicExporters, ...compositeExporters, ...interopExporters };

/** ConvLab op types the exporter handles. */
export function exportableOps(): string[] {
  return Object.keys(exporters).sort();
}

/** The IR version released with an opset (onnx 1.6: IR 6 / opset 11 ... onnx 1.16: IR 10 / opset 21). */
export function irVersionFor(opset: number): number {
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export interface ExportOptions {
  /** ai.onnx opset, 11..21 (default 17). */
  opset?: number;
  /** Seed for init weights when none are given (default 1). */
  seed?: number;
  producerVersion?: string;
}

/** A graph input or output: its name and dims, the dynamic batch as "N". */
export interface OnnxIo {
  name: string;
  dims: (number | string)[];
}

export interface ExportedModel {
  model: ModelProto;
  opset: number;
  /** The weights written as initializers (the given ones, or the seeded init). */
  weights: Weights;
  /** True when the graph had no weights and seeded init weights were exported. */
  initialised: boolean;
  /** False when the graph only validates at batch 1, so the batch is fixed to 1. */
  dynamicBatch: boolean;
  inputs: OnnxIo[];
  outputs: OnnxIo[];
}

export function checkOpset(opset: number): number {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxError(
      `onnx export: opset ${opset} is not supported; ConvLab exports opsets ${MIN_OPSET} to ${MAX_OPSET} ` +
        `(${MIN_OPSET} is the first with Pad's pads as an input; ${MAX_OPSET} the newest the bundled ONNX Runtime checks were run at)`,
    );
  }
  return opset;
}

function dimsOf(at1: Shape, at2: Shape): (number | string)[] {
  return at1.map((d, i) => (d === at2[i] ? d : BATCH_PARAM));
}

function valueInfo(io: OnnxIo, doc?: string): ValueInfoProto {
  const dim: TensorShapeProto_Dimension[] = io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const vi: ValueInfoProto = { name: io.name, type: { tensorType: { elemType: TensorProto_DataType.FLOAT, shape: { dim } } } };
  if (doc) vi.docString = doc;
  return vi;
}

function nodeInfo(info: Map<string, NodeInfo>, name: string): NodeInfo {
  const i = info.get(name);
  if (!i) throw new GraphError(`onnx export: node "${name}" has no inferred shape`, name);
  return i;
}

/**
 * ONNX value names per node: the node name, except Const nodes named `<x>/const` (what the importer
 * makes of a constant operand `<x>`), which become initializer `<x>` so a re-import gives the same name.
 */
function valueNames(graph: ModelGraph): Map<string, string> {
  const taken = new Set(graph.nodes.map((n) => n.name));
  const names = new Map<string, string>();
  for (const n of graph.nodes) {
    const base = n.name.endsWith('/const') ? n.name.slice(0, -'/const'.length) : '';
    const usable = n.op === 'Const' && base !== '' && !taken.has(base);
    names.set(n.name, usable ? base : n.name);
    if (usable) taken.add(base);
  }
  return names;
}

export function exportOnnx(graph: ModelGraph, weights?: Weights, options: ExportOptions = {}): ExportedModel {
  const opset = checkOpset(options.opset ?? DEFAULT_OPSET);
  const at1 = inferShapes(graph, { batch: 1 });
  if (at1.errors.length > 0) throw new GraphError(`onnx export: the graph does not validate: ${at1.errors.map((e) => e.message).join('; ')}`, at1.errors[0].node);
  // A graph that only validates at batch 1 (a broadcast against the batch axis) is exported with batch 1 fixed.
  const at2 = inferShapes(graph, { batch: 2 });
  const dynamic = at2.errors.length === 0;
  const missing = [...new Set(graph.nodes.filter((n) => n.op !== INPUT_OP && !exporters[n.op]).map((n) => n.op))];
  if (missing.length > 0) throw new OnnxError(`onnx export: no ONNX mapping for op(s) ${missing.sort().join(', ')}`);

  let used = weights;
  if (used) {
    const errs = checkWeights(graph, used);
    if (errs.length > 0) throw new GraphError(`onnx export: the weights do not fit the graph: ${errs.map((e) => e.message).join('; ')}`, errs[0].node);
  } else {
    used = initWeights(graph, new Rng(options.seed ?? 1));
  }

  const ctx = new ExportContext(opset);
  const names = valueNames(graph);
  for (const n of at1.order) ctx.claim(names.get(n.name) ?? n.name);
  const onnxName = (node: string): string => names.get(node) ?? node;

  const inputs: OnnxIo[] = [];
  const refusals: OpsetRefusal[] = [];
  for (const node of at1.order) {
    const info = nodeInfo(at1.info, node.name);
    const shape2 = (dynamic ? at2.info.get(node.name)?.outputShape : undefined) ?? info.outputShape;
    if (node.op === INPUT_OP) {
      inputs.push({ name: onnxName(node.name), dims: dimsOf(info.outputShape, shape2) });
      continue;
    }
    const def = info.op;
    const exporter = exporters[node.op];
    if (!def || !exporter) throw new OnnxError(`onnx export: no ONNX mapping for op ${node.op}`);
    const doc = node.doc ?? `${node.op} "${node.name}": ${def.summary}`;
    const args = new ExportArgs(ctx, node, node.inputs.map(onnxName), info.inputShapes, info.outputShape, used[node.name] ?? {}, onnxName(node.name), doc);
    try {
      exporter(args);
    } catch (e) {
      if (!(e instanceof OpsetRefusal)) throw e;
      refusals.push(e);
    }
  }
  if (refusals.length > 0) {
    const need = Math.max(...refusals.map((r) => r.minOpset));
    throw new OnnxError(`onnx export: opset ${opset} cannot express ${refusals.length} node(s); use --opset ${need} or newer: ${refusals.map((r) => r.message).join('; ')}`);
  }

  const outputs: OnnxIo[] = graph.outputs.map((name) => {
    const info = nodeInfo(at1.info, name);
    if (info.op === null) throw new OnnxError(`onnx export: graph output "${name}" is a graph input; nothing to compute`);
    if (node(graph, name).op === 'Const') throw new OnnxError(`onnx export: graph output "${name}" is a constant; nothing to compute`);
    return { name: onnxName(name), dims: dimsOf(info.outputShape, (dynamic ? at2.info.get(name)?.outputShape : undefined) ?? info.outputShape) };
  });

  const summary = summarizeGraph(graph, { batch: 1 }).lines.join('\n');
  const model: ModelProto = {
    irVersion: irVersionFor(opset),
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion ?? PRODUCER_VERSION,
    docString: `ConvLab model "${graph.name}" (exported at opset ${opset})`,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: graph.name,
      node: ctx.nodes,
      initializer: ctx.initializers,
      input: inputs.map((io) => valueInfo(io)),
      output: outputs.map((io) => valueInfo(io)),
      docString: summary,
    },
  };
  return { model, opset, weights: used, initialised: weights === undefined, dynamicBatch: dynamic, inputs, outputs };
}

function node(graph: ModelGraph, name: string): { op: string } {
  return graph.nodes.find((n) => n.name === name) ?? { op: '' };
}
