import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classCounts } from '../../../core/index';

const cacheDir = mkdtempSync(join(tmpdir(), 'convlab-cache-'));
process.env.CONVLAB_CACHE_DIR = cacheDir;
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const { bundledMnistSplit, convertBundledMnist, loadBundledMnist, mnistCacheFile, readMnistCache } = await import('../../../main/data/mnist');

describe('bundled MNIST', () => {
  it('holds the 10,000 real digits as 1x28x28 images in [0, 1] with all ten classes', () => {
    const ds = loadBundledMnist();
    expect(ds.length).toBe(10_000);
    expect(ds.sampleShape).toEqual([1, 28, 28]);
    const counts = classCounts(ds);
    expect(counts.every((c) => c > 800)).toBe(true);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of ds.samples) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    // Real digits: roughly 13% ink on average (the MNIST mean intensity is ~0.13).
    expect(sum / ds.samples.length).toBeGreaterThan(0.08);
    expect(sum / ds.samples.length).toBeLessThan(0.2);
  });

  it('splits 8,000 / 1,000 / 1,000 deterministically without overlap', () => {
    const a = bundledMnistSplit();
    const b = bundledMnistSplit();
    expect([a.train.length, a.val.length, a.test.length]).toEqual([8000, 1000, 1000]);
    expect(Array.from(a.test.labels.subarray(0, 50))).toEqual(Array.from(b.test.labels.subarray(0, 50)));
    expect(a.test.samples.subarray(0, 784 * 5)).toEqual(b.test.samples.subarray(0, 784 * 5));
    // Every class appears in the test split.
    expect(classCounts(a.test).every((c) => c > 50)).toBe(true);
    // Images in test are not in train (compare a fingerprint of each image).
    const key = (s: Float32Array, i: number): string => Array.from(s.subarray(i * 784 + 300, i * 784 + 340)).join(',') + s.subarray(i * 784, (i + 1) * 784).reduce((x, y) => x + y, 0);
    const train = new Set(Array.from({ length: a.train.length }, (_, i) => key(a.train.samples, i)));
    let shared = 0;
    for (let i = 0; i < a.test.length; i++) if (train.has(key(a.test.samples, i))) shared++;
    expect(shared).toBeLessThan(5);
  });

  it('caches the conversion; the cache file holds exactly the converted values', () => {
    const first = loadBundledMnist();
    const file = mnistCacheFile();
    expect(file.startsWith(cacheDir)).toBe(true);
    expect(existsSync(file)).toBe(true);
    const hit = readMnistCache(file);
    const fresh = convertBundledMnist();
    let differ = 0;
    for (let i = 0; i < fresh.samples.length; i++) if (hit?.samples[i] !== fresh.samples[i]) differ++;
    for (let i = 0; i < fresh.labels.length; i++) if (hit?.labels[i] !== first.labels[i]) differ++;
    expect(hit?.samples.length).toBe(10_000 * 784);
    expect(differ).toBe(0);
  });
});
