/**
 * Labelled sample datasets held in memory: samples are float32 in NCHW (or NCDHW) order, one
 * contiguous buffer, plus one integer label per sample. Loaders (main/data) and synthetic
 * generators (core/data) both produce this shape; the trainer only reads it.
 */
import { Tensor, sizeOf, shapeToString, type Shape } from '../tensor/tensor';
import { Rng } from '../tensor/rng';

export interface Dataset {
  readonly name: string;
  /** Shape of one sample, batch excluded: [C, H, W] for images, [C, D, H, W] for clips and volumes. */
  readonly sampleShape: Shape;
  readonly classNames: readonly string[];
  readonly length: number;
  /** length * size(sampleShape) values, sample after sample. */
  readonly samples: Float32Array;
  /** One class index per sample, in [0, classNames.length). */
  readonly labels: Int32Array;
}

export interface DatasetInit {
  name: string;
  sampleShape: Shape;
  classNames: readonly string[];
  samples: Float32Array;
  labels: Int32Array | readonly number[];
}

/** Build a dataset after checking that sizes and labels agree; the message says what is off. */
export function createDataset(init: DatasetInit): Dataset {
  const per = sizeOf(init.sampleShape);
  const labels = init.labels instanceof Int32Array ? init.labels : Int32Array.from(init.labels);
  if (per === 0) throw new Error(`dataset "${init.name}": sample shape ${shapeToString(init.sampleShape)} is empty`);
  if (init.samples.length !== labels.length * per) {
    throw new Error(
      `dataset "${init.name}": ${labels.length} labels need ${labels.length * per} values of shape ${shapeToString(init.sampleShape)}, got ${init.samples.length}`,
    );
  }
  const k = init.classNames.length;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0 || y >= k) throw new Error(`dataset "${init.name}": sample ${i} has label ${y}, outside 0..${k - 1}`);
  }
  return {
    name: init.name,
    sampleShape: [...init.sampleShape],
    classNames: [...init.classNames],
    length: labels.length,
    samples: init.samples,
    labels,
  };
}

/** A new dataset holding the given samples, in the given order (copies). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const per = sizeOf(ds.sampleShape);
  const samples = new Float32Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!Number.isInteger(j) || j < 0 || j >= ds.length) throw new Error(`dataset "${ds.name}": index ${j} out of range 0..${ds.length - 1}`);
    samples.set(ds.samples.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = ds.labels[j];
  }
  return { name, sampleShape: ds.sampleShape, classNames: ds.classNames, length: indices.length, samples, labels };
}

export interface Split {
  train: Dataset;
  val: Dataset;
  test: Dataset;
}

/** Sizes as counts, or as fractions of the dataset (summing to at most 1). */
export interface SplitSizes {
  val: number;
  test: number;
}

/**
 * Deterministic train/validation/test split: one seeded shuffle of all indices, then
 * test first, validation next, the rest train. The same seed always gives the same split.
 */
export function splitDataset(ds: Dataset, sizes: SplitSizes, seed: number): Split {
  const count = (v: number): number => (v > 0 && v < 1 ? Math.round(v * ds.length) : v);
  const nTest = count(sizes.test);
  const nVal = count(sizes.val);
  if (!Number.isInteger(nTest) || !Number.isInteger(nVal) || nTest < 0 || nVal < 0 || nTest + nVal > ds.length) {
    throw new Error(`split of "${ds.name}": cannot take ${nVal} validation and ${nTest} test samples from ${ds.length}`);
  }
  const order = new Rng(seed).shuffle(Array.from({ length: ds.length }, (_, i) => i));
  return {
    test: subset(ds, order.slice(0, nTest), `${ds.name}/test`),
    val: subset(ds, order.slice(nTest, nTest + nVal), `${ds.name}/val`),
    train: subset(ds, order.slice(nTest + nVal), `${ds.name}/train`),
  };
}

export interface Batch {
  /** [B, ...sampleShape] */
  x: Tensor;
  y: Int32Array;
}

/** Gather the samples order[start..end) into one batch tensor. */
export function gatherBatch(ds: Dataset, order: ArrayLike<number>, start: number, end: number): Batch {
  const per = sizeOf(ds.sampleShape);
  const n = Math.max(0, Math.min(end, order.length) - start);
  const data = new Float32Array(n * per);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[start + i];
    data.set(ds.samples.subarray(j * per, (j + 1) * per), i * per);
    y[i] = ds.labels[j];
  }
  return { x: new Tensor([n, ...ds.sampleShape], data), y };
}

/** A seeded permutation of 0..n-1 (the epoch order). */
export function shuffledOrder(n: number, rng: Rng): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  return Int32Array.from(order);
}

/** Number of batches per epoch (the last batch may be short). */
export function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/** Count of samples per class, for summaries and stratification checks. */
export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.length; i++) counts[ds.labels[i]]++;
  return counts;
}

export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** Per-channel mean and standard deviation over every sample of a dataset (axis 0 of sampleShape is the channel). */
export function channelStats(ds: Dataset): ChannelStats {
  const c = ds.sampleShape[0];
  const per = sizeOf(ds.sampleShape) / c;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let n = 0; n < ds.length; n++) {
    for (let k = 0; k < c; k++) {
      const base = (n * c + k) * per;
      for (let i = 0; i < per; i++) {
        const v = ds.samples[base + i];
        sum[k] += v;
        sq[k] += v * v;
      }
    }
  }
  const count = Math.max(1, ds.length * per);
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(0, s / count - mean[k] * mean[k])) || 1);
  return { mean, std };
}

/** (x - mean) / std per channel, into a new dataset. */
export function normalize(ds: Dataset, stats: ChannelStats): Dataset {
  const c = ds.sampleShape[0];
  if (stats.mean.length !== c || stats.std.length !== c) throw new Error(`normalize "${ds.name}": stats for ${stats.mean.length} channel(s), data has ${c}`);
  const per = sizeOf(ds.sampleShape) / c;
  const samples = new Float32Array(ds.samples.length);
  for (let n = 0; n < ds.length; n++) {
    for (let k = 0; k < c; k++) {
      const base = (n * c + k) * per;
      const m = stats.mean[k];
      const s = stats.std[k];
      for (let i = 0; i < per; i++) samples[base + i] = (ds.samples[base + i] - m) / s;
    }
  }
  return { ...ds, samples };
}

/** Standardise every split with the training split's per-channel statistics. */
export function standardizeSplit(split: Split): { split: Split; stats: ChannelStats } {
  const stats = channelStats(split.train);
  return { split: { train: normalize(split.train, stats), val: normalize(split.val, stats), test: normalize(split.test, stats) }, stats };
}
