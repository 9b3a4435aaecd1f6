/**
 * ONNX import: a ModelProto (or its bytes) -> ConvLab ModelGraph + Weights. Graph inputs become
 * Input nodes (per-sample shape), initializers and constant subgraphs are folded, layers with
 * constant weights become ConvLab nodes with params. Compositions ConvLab's exporter writes for
 * units without one ONNX op (GraphConv, NonLocal, BlurPool, ...) fold back into those units first
 * (import-fold.ts). Unsupported ops are reported together in one error; every other problem is an
 * OnnxError naming the node.
 */
import { inferShapes } from '../graph/shapes';
import { GRAPH_FORMAT, GRAPH_VERSION, GraphError, type ModelGraph, type Weights } from '../graph/types';
import { hasOp } from '../ops/registry';
import { decodeModel } from './codec';
import { OnnxError } from './errors';
import type { ModelProto, NodeProto, ValueInfoProto } from './generated/onnx';
import { constValue, ImportContext, type Converter } from './import-context';
import { foldComposites } from './import-fold';
import { layerConverters } from './import-ops';
import { basicConverters } from './import-ops-basic';
import { interopConverters } from './import-ops-interop';
import { intsFromProto, MAX_TENSOR_ELEMENTS, tensorFromProto } from './tensor-proto';

export interface ImportedModel {
  graph: ModelGraph;
  weights: Weights;
  /** The ai.onnx opset the file imports. */
  opset: number;
  /**
   * ONNX graph inputs (full shapes, batch first; symbolic dims as 1) in order. `integer`: the file
   * declares an integer type (indices read only by Gather); the core takes the values as floats.
   */
  inputs: { name: string; shape: number[]; integer?: boolean }[];
  producer: string;
}

export const converters: Readonly<Record<string, Converter>> = { ...layerConverters, ...basicConverters, ...interopConverters };

/** Every ONNX op type the importer understands (the ConvLab op it maps to may still be missing). */
export function supportedOnnxOps(): string[] {
  return Object.keys(converters).sort();
}

function opsetOf(model: ModelProto): number {
  const imports = model.opsetImport ?? [];
  const main = imports.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!main) {
    if (imports.length === 0) throw new OnnxError('onnx import: the model declares no opset');
    throw new OnnxError(`onnx import: no ai.onnx opset (domains: ${imports.map((o) => o.domain).join(', ')})`);
  }
  const v = main.version ?? 0;
  if (!Number.isInteger(v) || v < 1 || v > 100) throw new OnnxError(`onnx import: invalid opset version ${v}`);
  return v;
}

/** INT32 and INT64: integer inputs are accepted where they are only read as Gather indices. */
const INTEGER_TYPES: readonly number[] = [6, 7];

function inputShape(vi: ValueInfoProto, indicesOnly: boolean): number[] {
  const t = vi.type?.tensorType;
  if (!t) throw new OnnxError(`onnx import: graph input "${vi.name}" is not a tensor`);
  if (t.elemType !== undefined && t.elemType !== 1 && !(indicesOnly && INTEGER_TYPES.includes(t.elemType))) {
    throw new OnnxError(`onnx import: graph input "${vi.name}" has element type ${t.elemType}; only float32 inputs are supported (and int32/int64 inputs read only as Gather indices)`);
  }
  const dims = t.shape?.dim;
  if (!dims) throw new OnnxError(`onnx import: graph input "${vi.name}" has no shape`);
  const shape = dims.map((d) => (d.dimValue !== undefined ? d.dimValue : 1));
  if (shape.length < 2) throw new OnnxError(`onnx import: graph input "${vi.name}" has rank ${shape.length}; ConvLab inputs are batch x features at least`);
  if (!shape.every((d) => Number.isSafeInteger(d) && d > 0) || shape.reduce((a, b) => a * b, 1) > MAX_TENSOR_ELEMENTS) {
    throw new OnnxError(`onnx import: graph input "${vi.name}" has an invalid shape [${shape.join(', ')}]`);
  }
  return shape;
}

/** ONNX nodes in dependency order; a cycle or a dangling input is an OnnxError naming the nodes. */
function orderNodes(nodes: NodeProto[], known: Set<string>): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  for (const n of nodes) {
    for (const i of n.input ?? []) {
      if (i && !known.has(i) && !producer.has(i)) {
        throw new OnnxError(`onnx import: ${n.opType} node "${n.name || n.output?.[0]}" reads "${i}", which no node, graph input or initializer defines (missing initializer?)`);
      }
    }
  }
  const done = new Set<number>();
  const order: NodeProto[] = [];
  const avail = new Set(known);
  let progress = true;
  while (order.length < nodes.length && progress) {
    progress = false;
    nodes.forEach((n, i) => {
      if (done.has(i)) return;
      if ((n.input ?? []).every((x) => !x || avail.has(x))) {
        done.add(i);
        order.push(n);
        (n.output ?? []).forEach((o) => o && avail.add(o));
        progress = true;
      }
    });
  }
  if (order.length < nodes.length) {
    const stuck = nodes.filter((_, i) => !done.has(i)).map((n) => `"${n.name || n.output?.[0]}"`);
    throw new OnnxError(`onnx import: the graph has a cycle through ${stuck.slice(0, 8).join(', ')}${stuck.length > 8 ? ` and ${stuck.length - 8} more` : ''}`);
  }
  return order;
}

/**
 * Inputs are imported with a free batch dimension. When the graph does not validate at other batch
 * sizes (GCN node counts, a constant of the file's batch size that the input is multiplied with),
 * the first dims the file fixes are real: those Input nodes get attrs.batch, as the exporter writes them.
 */
function fixBatch(graph: ModelGraph, dynInputs: ValueInfoProto[], batch: number): void {
  // Two other batch sizes: a constant that broadcasts against the batch can still fit batch 1.
  const others = [1, 2, 3].filter((b) => b !== batch).slice(0, 2);
  if (others.every((b) => inferShapes(graph, { batch: b }).errors.length === 0)) return;
  for (const vi of dynInputs) {
    const first = vi.type?.tensorType?.shape?.dim?.[0]?.dimValue;
    const node = graph.nodes.find((n) => n.op === 'Input' && n.name === vi.name);
    if (node && first !== undefined) node.attrs = { ...node.attrs, batch: first };
  }
}

export function importOnnx(source: Uint8Array | ModelProto, name?: string): ImportedModel {
  const model = source instanceof Uint8Array ? decodeModel(source) : source;
  const g = model.graph;
  if (!g) throw new OnnxError('onnx import: the model has no graph (is this an ONNX file?)');
  const opset = opsetOf(model);
  const raw = g.node ?? [];
  if (raw.length === 0) throw new OnnxError('onnx import: the graph has no nodes');
  if ((g.sparseInitializer?.length ?? 0) > 0) throw new OnnxError('onnx import: sparse initializers are not supported');
  const uses = new Map<string, number>();
  for (const n of raw) for (const i of n.input ?? []) if (i) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of g.output ?? []) if (o.name) uses.set(o.name, (uses.get(o.name) ?? 0) + 1);
  const init = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));

  // Compositions ConvLab's exporter writes (GraphConv, NodeMeanPool) fold back into one node each.
  const { nodes, fused } = foldComposites(raw, uses, init);

  // One error for every unsupported op type.
  const unsupported = new Set<string>();
  for (const n of nodes) {
    if (fused.has(n)) continue;
    const domain = n.domain ?? '';
    if ((domain !== '' && domain !== 'ai.onnx') || !converters[n.opType ?? '']) unsupported.add(`${domain && domain !== 'ai.onnx' ? `${domain}.` : ''}${n.opType ?? '(no op type)'} (opset ${opset})`);
  }
  if (unsupported.size > 0) throw new OnnxError(`onnx import: unsupported ops: ${[...unsupported].sort().join(', ')}`);

  const dynInputs = (g.input ?? []).filter((vi) => !init.has(vi.name ?? ''));
  if (dynInputs.length === 0) throw new OnnxError('onnx import: the graph has no inputs besides initializers');
  const readers = new Map<string, { node: NodeProto; slot: number }[]>();
  for (const n of nodes) (n.input ?? []).forEach((i, slot) => i && readers.set(i, [...(readers.get(i) ?? []), { node: n, slot }]));
  const indicesOnly = (name: string): boolean => (readers.get(name) ?? []).every((r) => r.node.opType === 'Gather' && r.slot === 1) && (readers.get(name)?.length ?? 0) > 0;
  const inputs: ImportedModel['inputs'] = dynInputs.map((vi) => {
    const integer = INTEGER_TYPES.includes(vi.type?.tensorType?.elemType ?? 1);
    const base = { name: vi.name ?? '', shape: inputShape(vi, indicesOnly(vi.name ?? '')) };
    return integer ? { ...base, integer } : base;
  });
  const ctx = new ImportContext(opset, inputs[0].shape[0]);
  for (const [k, r] of readers) ctx.readers.set(k, r);
  for (const inp of inputs) if (inp.integer) ctx.integer.add(inp.name);
  for (const n of nodes) for (const i of n.input ?? []) if (i) ctx.uses.set(i, (ctx.uses.get(i) ?? 0) + 1);
  for (const o of g.output ?? []) if (o.name) ctx.uses.set(o.name, (ctx.uses.get(o.name) ?? 0) + 1);

  for (const [key, t] of init) {
    if (!key) throw new OnnxError('onnx import: an initializer has no name');
    const tensor = tensorFromProto(t);
    const isInt = t.dataType !== 1 && t.dataType !== 11 && t.dataType !== 10;
    ctx.values.set(key, constValue(tensor, isInt ? intsFromProto(t, MAX_TENSOR_ELEMENTS).values : undefined));
  }
  for (const inp of inputs) {
    if (!inp.name) throw new OnnxError('onnx import: a graph input has no name');
    ctx.nodes.push({ name: inp.name, op: 'Input', inputs: [], attrs: { shape: inp.shape.slice(1) } });
    ctx.values.set(inp.name, { kind: 'node', node: inp.name, shape: inp.shape });
  }

  const convert = (n: NodeProto): void => {
    const fold = fused.get(n);
    if (!fold) return (converters[n.opType ?? ''] ?? ((c: ImportContext, m: NodeProto) => c.fail(m, 'unsupported op')))(ctx, n);
    // A fold whose import-time shape checks fail imports its nodes one by one instead.
    if (!fold.convert(ctx, n)) for (const c of orderNodes(fold.covered, new Set(ctx.values.keys()))) convert(c);
  };
  for (const n of orderNodes(nodes, new Set(ctx.values.keys()))) {
    try {
      convert(n);
    } catch (e) {
      if (e instanceof OnnxError) throw e;
      if (e instanceof Error && (e.name === 'OpError' || e.name === 'GraphError')) ctx.fail(n, e.message);
      throw e;
    }
  }

  const outputs: string[] = [];
  for (const o of g.output ?? []) {
    const v = ctx.values.get(o.name ?? '');
    if (!v) throw new OnnxError(`onnx import: graph output "${o.name}" is not computed by any node`);
    if (v.kind === 'const') throw new OnnxError(`onnx import: graph output "${o.name}" is a constant; nothing to run`);
    outputs.push(v.node);
  }
  if (outputs.length === 0) throw new OnnxError('onnx import: the graph has no outputs');

  const graph: ModelGraph = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: name ?? (g.name || 'imported'), nodes: ctx.nodes, outputs };
  const missing = [...new Set(ctx.nodes.map((n) => n.op))].filter((op) => op !== 'Input' && !hasOp(op));
  if (missing.length > 0) throw new OnnxError(`onnx import: the core lacks ops ${missing.join(', ')}`);
  fixBatch(graph, dynInputs, ctx.batch);
  const check = inferShapes(graph, { batch: ctx.batch });
  if (check.errors.length > 0) throw new GraphError(`onnx import: the imported graph does not validate: ${check.errors.map((e) => e.message).join('; ')}`);
  return { graph, weights: ctx.weights, opset, inputs, producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim() };
}
