/**
 * Datasets and model inspection methods.
 *
 * Dataset specs are the loaders' (main/data/sources.ts): `mnist` (bundled 10,000 digits),
 * `idx:<dir>`, `cifar:<dir>`, `folder:<dir>`.
 * - dataset.list         the bundled MNIST plus the user's sources (persisted in the config dir)
 * - dataset.add          check a source by loading it, then remember it; bad dirs/files give the loader's reason
 * - dataset.remove       forget a user source (files untouched)
 * - dataset.preview      N samples as bytes (HWC, 1 or 3 channels) with labels, split sizes and class counts
 * - model.featureMaps    each conv layer's activations for one sample ("what each filter sees"); runs in the pool
 * - model.runWeights     a finished training run's graph JSON with its trained weights (the lab keeps them in the project)
 *
 * Image bytes travel base64-encoded: `pixels` holds height*width*channels bytes, row-major,
 * channels interleaved (gray or RGB), ready for a canvas ImageData.
 */
import { z } from 'zod';

const spec = z.string().min(1).max(4096);
const split = z.enum(['train', 'val', 'test']);

export const datasetInfo = z.object({
  spec: z.string(),
  kind: z.enum(['mnist', 'idx', 'cifar', 'folder']),
  label: z.string(),
  builtin: z.boolean(),
  sampleShape: z.array(z.int()).optional(),
  classNames: z.array(z.string()).optional(),
  sizes: z.object({ train: z.int(), val: z.int(), test: z.int() }).optional(),
});

export const imageBytes = z.object({
  width: z.int(),
  height: z.int(),
  channels: z.union([z.literal(1), z.literal(3)]),
  /** base64 of height*width*channels bytes (HWC). */
  pixels: z.string(),
});

const featureMapLayer = z.object({
  node: z.string(),
  op: z.string(),
  /** The layer's output shape for this sample, batch excluded ([C, H, W]). */
  shape: z.array(z.int()),
  /** Channels returned (the first `maxChannels`). */
  channels: z.int(),
  /** Each map downsampled (average) to at most maxSize x maxSize, scaled to 0..255 by its own min/max. */
  maps: z.array(imageBytes.extend({ channel: z.int(), min: z.number(), max: z.number() })),
});

export const datasetMethods = {
  'dataset.list': {
    summary: 'The bundled MNIST digits and the user-added sources (idx:/cifar:/folder:).',
    params: z.strictObject({}),
    result: z.array(datasetInfo),
  },
  'dataset.add': {
    summary: 'Load a source to check it (the loader\'s error says what is wrong), then remember it in the config dir.',
    params: z.strictObject({ spec }),
    result: datasetInfo,
  },
  'dataset.remove': {
    summary: 'Forget a user-added source (its files are untouched).',
    params: z.strictObject({ spec }),
    result: z.object({ removed: z.boolean() }),
  },
  'dataset.preview': {
    summary: 'count samples of a split (from offset) as small images with labels, plus split sizes and per-class counts.',
    params: z.strictObject({
      spec,
      split: split.default('train'),
      count: z.int().min(1).max(256).default(32),
      offset: z.int().min(0).default(0),
    }),
    result: z.object({
      spec: z.string(),
      name: z.string(),
      split,
      sampleShape: z.array(z.int()),
      classNames: z.array(z.string()),
      sizes: z.object({ train: z.int(), val: z.int(), test: z.int() }),
      /** Per-class counts of the chosen split. */
      classCounts: z.array(z.int()),
      samples: z.array(imageBytes.extend({ index: z.int(), label: z.int() })),
    }),
  },
  'model.featureMaps': {
    summary: 'Each conv layer\'s activations for one dataset sample (graph JSON with weights, or a model path/template).',
    params: z.strictObject({
      graph: z.record(z.string(), z.unknown()).optional(),
      model: z.string().min(1).optional(),
      dataset: spec.default('mnist'),
      split: split.default('test'),
      index: z.int().min(0).default(0),
      maxChannels: z.int().min(1).max(512).default(16),
      maxSize: z.int().min(2).max(256).default(32),
    }),
    result: z.object({
      model: z.string(),
      sample: imageBytes.extend({ label: z.int(), index: z.int() }),
      /** Softmax of the first output when it is a [1, K] vector. */
      probabilities: z.array(z.number()).optional(),
      layers: z.array(featureMapLayer),
      /** True when the graph had no weights and seeded init weights were used. */
      initialised: z.boolean(),
    }),
  },
  'model.runWeights': {
    summary: 'The graph JSON with trained weights of a finished training run directory (its model.json).',
    params: z.strictObject({ runDir: z.string().min(1).max(4096) }),
    result: z.object({ model: z.record(z.string(), z.unknown()), weights: z.int() }),
  },
} as const;
