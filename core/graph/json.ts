/**
 * Model files: a graph plus optional weights as JSON. Weights are base64 little-endian float32
 * with their shape. Parsing checks every field and refuses a corrupt file with the reason and
 * where it is (`nodes[3].inputs[1]`). Older versions are upgraded by a chain of migrations
 * keyed by the version they upgrade from.
 */
import type { AttrValue } from '../ops/types';
import { shapeToString, sizeOf, Tensor } from '../tensor/tensor';
import { base64ToFloat32, float32ToBase64 } from './base64';
import { GRAPH_FORMAT, GRAPH_VERSION, GraphError, type GraphNode, type ModelGraph, type Weights } from './types';

export interface TensorJson {
  shape: number[];
  dtype: 'float32';
  data: string;
}

export type WeightsJson = Record<string, Record<string, TensorJson>>;

/** A parsed-but-unchecked document, as migrations see it. */
export type RawDoc = Record<string, unknown>;
/** Upgrades a document from version v to v + 1 (it need not set `version`; the chain does). */
export type Migration = (doc: RawDoc) => RawDoc;

/** The built-in migrations, keyed by the version they upgrade from. Version 1 is the first format. */
export const GRAPH_MIGRATIONS: Readonly<Record<number, Migration>> = {};

export interface ParseOptions {
  /** Replaces the built-in migrations (tests, future versions). */
  migrations?: Readonly<Record<number, Migration>>;
}

export interface ModelFile {
  graph: ModelGraph;
  weights?: Weights;
}

export function weightsToJson(weights: Weights): WeightsJson {
  const out: WeightsJson = {};
  for (const [node, params] of Object.entries(weights)) {
    const entry: Record<string, TensorJson> = {};
    for (const [name, t] of Object.entries(params)) entry[name] = { shape: [...t.shape], dtype: 'float32', data: float32ToBase64(t.data) };
    out[node] = entry;
  }
  return out;
}

/** Serialise a graph and, optionally, its weights. */
export function graphToJson(graph: ModelGraph, weights?: Weights, options: { pretty?: boolean } = {}): string {
  const doc: Record<string, unknown> = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: graph.name,
    nodes: graph.nodes,
    outputs: graph.outputs,
  };
  if (weights) doc.weights = weightsToJson(weights);
  return JSON.stringify(doc, null, options.pretty ? 2 : undefined);
}

function fail(reason: string): never {
  throw new GraphError(`model file refused: ${reason}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIntList(v: unknown, min: number): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= min);
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v)) fail(`${where} must be a list of names`);
  return v.map((x, i) => {
    if (typeof x !== 'string' || x === '') fail(`${where}[${i}] must be a non-empty string, got ${JSON.stringify(x)}`);
    return x;
  });
}

function attrValue(v: unknown, where: string): AttrValue {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`${where} must be a finite number`);
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return [...v];
  return fail(`${where} must be a number, string, boolean or list of numbers, got ${JSON.stringify(v)}`);
}

function parseNode(v: unknown, i: number): GraphNode {
  const where = `nodes[${i}]`;
  if (!isRecord(v)) fail(`${where} must be an object`);
  if (typeof v.name !== 'string' || v.name === '') fail(`${where}.name must be a non-empty string`);
  if (typeof v.op !== 'string' || v.op === '') fail(`${where} ("${v.name}").op must be a non-empty string`);
  const inputs = stringList(v.inputs ?? [], `${where} ("${v.name}").inputs`);
  const rawAttrs = v.attrs ?? {};
  if (!isRecord(rawAttrs)) fail(`${where} ("${v.name}").attrs must be an object`);
  const attrs: Record<string, AttrValue> = {};
  for (const [k, a] of Object.entries(rawAttrs)) attrs[k] = attrValue(a, `${where} ("${v.name}").attrs.${k}`);
  const node: GraphNode = { name: v.name, op: v.op, inputs, attrs };
  if (v.ui !== undefined) {
    const ui = v.ui;
    if (!isRecord(ui) || typeof ui.x !== 'number' || typeof ui.y !== 'number' || (ui.group !== undefined && typeof ui.group !== 'string')) {
      fail(`${where} ("${v.name}").ui must be {x, y, group?}`);
    }
    node.ui = typeof ui.group === 'string' ? { x: ui.x, y: ui.y, group: ui.group } : { x: ui.x, y: ui.y };
  }
  if (v.doc !== undefined) {
    if (typeof v.doc !== 'string') fail(`${where} ("${v.name}").doc must be a string`);
    node.doc = v.doc;
  }
  return node;
}

function parseWeights(v: unknown, nodes: ReadonlySet<string>): Weights {
  if (!isRecord(v)) fail('weights must be an object');
  const out: Weights = {};
  for (const [node, params] of Object.entries(v)) {
    if (!nodes.has(node)) fail(`weights for "${node}" but the graph has no such node`);
    if (!isRecord(params)) fail(`weights.${node} must be an object`);
    const entry: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(params)) {
      const where = `weights.${node}.${name}`;
      if (!isRecord(t)) fail(`${where} must be {shape, dtype, data}`);
      if (!isIntList(t.shape, 0)) fail(`${where}.shape must be a list of non-negative integers`);
      if (t.dtype !== undefined && t.dtype !== 'float32') fail(`${where}.dtype ${JSON.stringify(t.dtype)} is not supported (float32 only)`);
      if (typeof t.data !== 'string') fail(`${where}.data must be a base64 string`);
      let data: Float32Array;
      try {
        data = base64ToFloat32(t.data);
      } catch (e) {
        return fail(`${where}.data is corrupt: ${e instanceof Error ? e.message : String(e)}`);
      }
      const want = sizeOf(t.shape);
      if (data.length !== want) fail(`${where} has ${data.length} values but shape ${shapeToString(t.shape)} needs ${want} (truncated or corrupt)`);
      entry[name] = new Tensor(t.shape, data);
    }
    out[node] = entry;
  }
  return out;
}

/** Apply migrations until the document is at the current version. */
export function migrate(doc: RawDoc, migrations: Readonly<Record<number, Migration>> = GRAPH_MIGRATIONS, target = GRAPH_VERSION): RawDoc {
  let current = doc;
  let version = current.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(`version must be a positive integer, got ${JSON.stringify(version)}`);
  if (version > target) fail(`version ${version} is newer than this ConvLab reads (${target})`);
  while (version < target) {
    const step = migrations[version];
    if (!step) fail(`no migration from version ${version}`);
    current = { ...step(current), version: version + 1 };
    version++;
  }
  return current;
}

/** Parse and check a model file; throws a GraphError with the reason if it is corrupt. */
export function parseGraphJson(text: string, options: ParseOptions = {}): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(raw)) fail('the top level must be an object');
  if (raw.format !== GRAPH_FORMAT) fail(`format must be "${GRAPH_FORMAT}", got ${JSON.stringify(raw.format)}`);
  const doc = migrate(raw, options.migrations ?? GRAPH_MIGRATIONS);
  if (typeof doc.name !== 'string') fail('name must be a string');
  if (!Array.isArray(doc.nodes)) fail('nodes must be a list');
  const nodes = doc.nodes.map(parseNode);
  const names = new Set<string>();
  for (const n of nodes) {
    if (names.has(n.name)) fail(`duplicate node name "${n.name}"`);
    names.add(n.name);
  }
  const outputs = stringList(doc.outputs, 'outputs');
  for (const o of outputs) if (!names.has(o)) fail(`output "${o}" refers to no node`);
  const graph: ModelGraph = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: doc.name, nodes, outputs };
  if (doc.weights === undefined) return { graph };
  return { graph, weights: parseWeights(doc.weights, names) };
}
