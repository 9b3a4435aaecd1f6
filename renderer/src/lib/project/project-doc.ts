/**
 * The `.convlab` project as the editor sees it: the contract's document split into the graph (the
 * editor store's), the weights (imported or trained, kept beside the graph) and the rest (name,
 * dataset, training settings, runs). Weights survive edits that leave a node's parameters alone;
 * a node whose parameter shapes change (or that is renamed or removed) loses its weights, and
 * `fitWeights` says which. Pure functions, no Svelte, no transport.
 */
import { graphToJson, inferShapes, initParam, parseGraphJson, Rng, sameShape, type ModelGraph, type Weights } from '../../../../core/index';
import type { ProjectDoc, ProjectRun, TrainingSettings } from '../../../../main/contract/types';

export interface ProjectMeta {
  name: string;
  createdAt: number;
  dataset: { spec: string };
  training: TrainingSettings;
  runs: ProjectRun[];
  ui?: Record<string, unknown>;
}

export interface LoadedProject {
  meta: ProjectMeta;
  graph: ModelGraph;
  weights?: Weights;
  collapsed: string[];
}

export function fromProject(p: ProjectDoc): LoadedProject {
  const { graph, weights } = parseGraphJson(JSON.stringify(p.model));
  const raw = p.ui?.collapsed;
  const groups = new Set(graph.nodes.map((n) => n.ui?.group));
  const collapsed = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string' && groups.has(g)) : [];
  const meta: ProjectMeta = { name: p.name, createdAt: p.createdAt, dataset: { ...p.dataset }, training: { ...p.training }, runs: [...p.runs] };
  if (p.ui) meta.ui = { ...p.ui };
  return { meta, graph, weights, collapsed };
}

/** The document to save: `weights` should already be fitted to `graph` (see fitWeights). */
export function toProject(meta: ProjectMeta, graph: ModelGraph, collapsed: readonly string[], weights: Weights | undefined, now: number): ProjectDoc {
  const model: ProjectDoc['model'] = JSON.parse(graphToJson(graph, weights && Object.keys(weights).length > 0 ? weights : undefined));
  return {
    format: 'convlab-project',
    version: 1,
    name: meta.name,
    createdAt: meta.createdAt,
    updatedAt: now,
    model,
    dataset: { ...meta.dataset },
    training: { ...meta.training },
    runs: meta.runs,
    ui: { ...meta.ui, collapsed: [...collapsed] },
  };
}

/**
 * The weights that still fit `graph`: a node keeps its tensors only when it still exists and its
 * parameter names and shapes are unchanged. `dropped` names the nodes that lost them.
 */
export function fitWeights(graph: ModelGraph, weights: Weights | undefined): { kept: Weights | undefined; dropped: string[] } {
  if (!weights) return { kept: undefined, dropped: [] };
  const { info } = inferShapes(graph, { batch: 1 });
  const kept: Weights = {};
  const dropped: string[] = [];
  for (const [node, params] of Object.entries(weights)) {
    const specs = info.get(node)?.params;
    const names = Object.keys(params);
    const fits = specs !== undefined && specs.length === names.length && specs.every((s) => params[s.name] !== undefined && sameShape(params[s.name].shape, s.shape));
    if (fits) kept[node] = params;
    else dropped.push(node);
  }
  return { kept, dropped };
}

/**
 * Weights for every parameter of a valid graph: the kept ones, seeded init for the rest (new or
 * changed nodes). undefined when there are no kept weights at all (jobs then init the whole
 * model themselves) or when the graph is not valid.
 */
export function completeWeights(graph: ModelGraph, weights: Weights | undefined, seed: number): Weights | undefined {
  if (!weights || Object.keys(weights).length === 0 || weightCount(weights) > MAX_WIRE_VALUES) return undefined;
  const { order, info, errors } = inferShapes(graph, { batch: 1 });
  if (errors.length > 0) return undefined;
  const rng = new Rng(seed);
  const out: Weights = {};
  for (const node of order) {
    const specs = info.get(node.name)?.params ?? [];
    if (specs.length === 0) continue;
    const have = weights[node.name];
    out[node.name] = have ?? Object.fromEntries(specs.map((s) => [s.name, initParam(s, rng)]));
  }
  return out;
}

/** The graph JSON object the jobs take (`graph` param), with weights when there are any. */
export function graphPayload(graph: ModelGraph, weights?: Weights): Record<string, unknown> {
  const doc: Record<string, unknown> = JSON.parse(graphToJson(graph, weights));
  return doc;
}

/**
 * The contract's messages are capped (4 MiB on the browser host's socket); float32 weights travel
 * as base64 (~5.4 bytes a value), so weights above this many values stay in the editor's memory
 * and are left out of saves, autosaves and job requests (the caller says so).
 */
export const MAX_WIRE_VALUES = 600_000;

export function wireWeights(weights: Weights | undefined): Weights | undefined {
  return weights && weightCount(weights) <= MAX_WIRE_VALUES ? weights : undefined;
}

/** How many parameters the weights hold (for messages). */
export function weightCount(weights: Weights | undefined): number {
  let n = 0;
  for (const node of Object.values(weights ?? {})) for (const t of Object.values(node)) n += t.size;
  return n;
}

/** "foo.convlab" from an absolute path. */
export function fileName(path: string | null): string {
  if (!path) return 'untitled';
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(i + 1);
}

/** A project path in `dir` for a name typed by the user (".convlab" added when missing). */
export function projectPath(dir: string, name: string): string {
  const trimmed = name.trim();
  if (/^([A-Za-z]:)?[\\/]/.test(trimmed)) return /\.convlab$/i.test(trimmed) ? trimmed : `${trimmed}.convlab`;
  const base = trimmed.replace(/[^\w .()-]+/g, '-') || 'untitled';
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return `${dir.replace(/[\\/]+$/, '')}${sep}${/\.convlab$/i.test(base) ? base : `${base}.convlab`}`;
}
