/**
 * The `.convlab` file: one JSON document (schema in main/contract/projects.ts) holding the model
 * as the core's graph JSON (weights included when trained), the dataset choice, the training
 * settings and the runs with their per-epoch metrics. Versioned: a file from a newer ConvLab is
 * refused with both versions named; older versions go through PROJECT_MIGRATIONS. Opening checks
 * the JSON, the schema, and the model in depth (the core's parseGraphJson: node fields, weight
 * shapes), and a corrupt file is refused with a ProjectError naming the file and the reason.
 */
import { buildTemplate, graphToJson, parseGraphJson, type ModelFile } from '../../core/index';
import { PROJECT_FORMAT, PROJECT_VERSION, projectDoc } from '../contract/projects';
import type { ProjectDoc, TrainingSettings } from '../contract/types';

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

type RawDoc = Record<string, unknown>;

/** Upgrades from version v (the key) to v + 1. Version 1 is the first format. */
export const PROJECT_MIGRATIONS: Readonly<Record<number, (doc: RawDoc) => RawDoc>> = {};

export const DEFAULT_TRAINING: TrainingSettings = { optimizer: 'adam', lr: 0.001, epochs: 3, batchSize: 64, backend: 'auto', seed: 1 };

function isRecord(v: unknown): v is RawDoc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function upgrade(raw: RawDoc, where: string): RawDoc {
  let doc = raw;
  let v = doc.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ProjectError(`${where}: version must be a positive integer, got ${JSON.stringify(v)}`);
  if (v > PROJECT_VERSION) throw new ProjectError(`${where}: made by a newer ConvLab (project version ${v}); this one reads up to version ${PROJECT_VERSION}`);
  while (v < PROJECT_VERSION) {
    const step = PROJECT_MIGRATIONS[v];
    if (!step) throw new ProjectError(`${where}: no migration from project version ${v}`);
    doc = { ...step(doc), version: v + 1 };
    v++;
  }
  return doc;
}

/** Checks a project document (from a file or the wire) in depth; returns it with its parsed model. */
export function checkProject(value: unknown, where: string): { project: ProjectDoc; model: ModelFile } {
  if (!isRecord(value)) throw new ProjectError(`${where}: the top level must be an object`);
  if (value.format !== PROJECT_FORMAT) throw new ProjectError(`${where}: not a ConvLab project (format must be "${PROJECT_FORMAT}", got ${JSON.stringify(value.format)})`);
  const parsed = projectDoc.safeParse(upgrade(value, where));
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ProjectError(`${where}: ${first.join('; ')}`);
  }
  let model: ModelFile;
  try {
    model = parseGraphJson(JSON.stringify(parsed.data.model));
  } catch (e) {
    throw new ProjectError(`${where}: model: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { project: parsed.data, model };
}

/** Parses file text; refuses anything that is not a valid project, saying why. */
export function parseProject(text: string, where: string): { project: ProjectDoc; model: ModelFile } {
  if (text.trim().length === 0) throw new ProjectError(`${where}: the file is empty`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProjectError(`${where}: not valid JSON, the file is damaged or truncated (${e instanceof Error ? e.message : String(e)})`);
  }
  return checkProject(raw, where);
}

export function serializeProject(project: ProjectDoc): string {
  return `${JSON.stringify(project, null, 1)}\n`;
}

/** A fresh project: a template's graph (no weights yet), a dataset and the default settings. */
export function newProject(opts: { name?: string; template?: string; dataset?: string; now?: number } = {}): ProjectDoc {
  const template = opts.template ?? 'lenet5';
  const graph = buildTemplate(template);
  const now = opts.now ?? Date.now();
  const model: unknown = JSON.parse(graphToJson(graph));
  const project = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: opts.name ?? (template === 'lenet5' ? 'LeNet-5 on MNIST' : graph.name),
    createdAt: now,
    updatedAt: now,
    model,
    dataset: { spec: opts.dataset ?? 'mnist' },
    training: { ...DEFAULT_TRAINING },
    runs: [],
  };
  return checkProject(project, `new project from template "${template}"`).project;
}
