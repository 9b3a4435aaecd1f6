/**
 * The `.convlab` project document and the `project.*` methods. One schema serves the wire (params
 * checked on arrival) and the file (checked on open, main/projects/format.ts), so a project the UI
 * may send is exactly a project the file may hold. The model inside is the core's graph JSON
 * (`convlab-graph`, weights optional); its deep check (nodes, shapes of weights) is the core's
 * parseGraphJson, run by main on save and open.
 *
 * Methods (all paths are absolute file paths on the machine that runs main):
 * - project.startup       first-run default (LeNet-5 on the bundled MNIST) or the most recent project
 * - project.new           a fresh, unsaved project from a template (default lenet5)
 * - project.open          read + validate a .convlab file (a corrupt one is refused with the reason);
 *                         reports a newer recovery (autosave) copy when there is one
 * - project.save          atomic write to `path` (temp file + fsync + rename); `weightsFromRun` copies
 *                         a training run's trained weights into the model without sending them
 * - project.saveAs        as save, but refuses to overwrite an existing file unless `overwrite`
 * - project.autosave      writes the recovery copy (config dir), never the project file itself
 * - project.recovery      reads the recovery copy for a path (null = untitled project)
 * - project.discardRecovery  deletes it
 * - project.recent        the recent-projects list (persisted in the config dir)
 * - project.list          `.convlab` files in a folder (default ~/ConvLab) for the browser's picker
 *                         (the browser host has no native dialog; Electron may add one later)
 */
import { z } from 'zod';

export const PROJECT_FORMAT = 'convlab-project';
export const PROJECT_VERSION = 1;

const num = z.number().refine(Number.isFinite, 'must be a finite number');

export const trainingSettings = z.strictObject({
  optimizer: z.enum(['sgd', 'adam', 'adamw']),
  lr: z.number().positive(),
  epochs: z.int().min(1).max(10_000),
  batchSize: z.int().min(1).max(65_536),
  backend: z.enum(['core', 'ort', 'auto']),
  seed: z.int(),
  /** Train on the first N training images only (quick runs). */
  subset: z.int().min(1).optional(),
});

export const epochMetrics = z.object({
  epoch: z.int(),
  trainLoss: num,
  trainAccuracy: num,
  valLoss: num.optional(),
  valAccuracy: num.optional(),
  lr: num,
  seconds: num,
  imagesPerSec: num,
});

export const projectRun = z.strictObject({
  id: z.string().min(1),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  status: z.enum(['running', 'completed', 'cancelled', 'diverged', 'failed']),
  backend: z.enum(['core', 'ort']).optional(),
  fallbackReason: z.string().optional(),
  dataset: z.string(),
  settings: trainingSettings,
  epochs: z.array(epochMetrics),
  testAccuracy: num.optional(),
  testLoss: num.optional(),
  confusion: z.array(z.array(z.number())).optional(),
  /** Where the run's checkpoint, model.json and metrics.json are. */
  runDir: z.string().optional(),
  message: z.string().optional(),
});

/** The core's graph JSON object (checked in depth by parseGraphJson). */
export const graphDoc = z.looseObject({
  format: z.literal('convlab-graph'),
  version: z.int(),
  name: z.string(),
  nodes: z.array(z.unknown()),
  outputs: z.array(z.string()),
  weights: z.record(z.string(), z.unknown()).optional(),
});

export const projectDoc = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.int().min(1),
  name: z.string().min(1).max(200),
  createdAt: z.number(),
  updatedAt: z.number(),
  model: graphDoc,
  dataset: z.strictObject({ spec: z.string().min(1) }),
  training: trainingSettings,
  runs: z.array(projectRun),
  /** Free-form editor state (viewport, panel sizes); main keeps it as is. */
  ui: z.record(z.string(), z.unknown()).optional(),
});

const path = z.string().min(1).max(4096);

const opened = z.object({
  path: z.string().nullable(),
  project: projectDoc,
  /** A recovery (autosave) copy newer than the file, offered to the user. */
  recovery: z.object({ path: z.string(), savedAt: z.number() }).optional(),
});

const saved = z.object({ path: z.string(), bytes: z.int(), savedAt: z.number(), project: projectDoc });

const recentEntry = z.object({ path: z.string(), name: z.string(), openedAt: z.number(), exists: z.boolean() });

export const projectMethods = {
  'project.startup': {
    summary: 'What to show at launch: the first-run default project (LeNet-5 on the bundled MNIST) or the most recent project that still opens.',
    params: z.strictObject({}),
    result: opened.extend({ firstRun: z.boolean(), note: z.string().optional() }),
  },
  'project.new': {
    summary: 'A fresh, unsaved project from a template (default lenet5) on a dataset (default mnist).',
    params: z.strictObject({ name: z.string().min(1).max(200).optional(), template: z.string().optional(), dataset: z.string().optional() }),
    result: opened,
  },
  'project.open': {
    summary: 'Read and validate a .convlab file; a corrupt file is refused with the reason. Adds it to the recent list.',
    params: z.strictObject({ path }),
    result: opened,
  },
  'project.save': {
    summary: 'Atomically write the project to path (temp + fsync + rename); optional weightsFromRun takes trained weights from a run dir.',
    params: z.strictObject({ path, project: projectDoc, weightsFromRun: path.optional() }),
    result: saved,
  },
  'project.saveAs': {
    summary: 'Save under a new path; refuses to replace an existing file unless overwrite is true.',
    params: z.strictObject({ path, project: projectDoc, weightsFromRun: path.optional(), overwrite: z.boolean().default(false) }),
    result: saved,
  },
  'project.autosave': {
    summary: 'Write the recovery copy for a project (path null = untitled) in the config dir; the project file is untouched.',
    params: z.strictObject({ path: path.nullable(), project: projectDoc }),
    result: z.object({ recoveryPath: z.string(), savedAt: z.number() }),
  },
  'project.recovery': {
    summary: 'The recovery copy for a project path (null = untitled), if any.',
    params: z.strictObject({ path: path.nullable() }),
    result: z.object({ recoveryPath: z.string(), savedAt: z.number().optional(), project: projectDoc.optional() }),
  },
  'project.discardRecovery': {
    summary: 'Delete the recovery copy for a project path (null = untitled).',
    params: z.strictObject({ path: path.nullable() }),
    result: z.object({ removed: z.boolean() }),
  },
  'project.recent': {
    summary: 'Recently opened or saved projects, newest first (persisted in the config dir).',
    params: z.strictObject({}),
    result: z.array(recentEntry),
  },
  'project.list': {
    summary: 'The .convlab files in a folder (default: the projects folder, ~/ConvLab), for an in-app open/save picker.',
    params: z.strictObject({ dir: path.optional() }),
    result: z.object({
      dir: z.string(),
      entries: z.array(z.object({ path: z.string(), file: z.string(), size: z.int(), modifiedAt: z.number() })),
    }),
  },
} as const;
