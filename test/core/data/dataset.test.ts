import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/tensor/rng';
import { batchCount, channelStats, classCounts, createDataset, gatherBatch, shuffledOrder, splitDataset, standardizeSplit, subset } from '../../../core/data/dataset';

function toy(n: number) {
  const samples = Float32Array.from({ length: n * 2 }, (_, i) => i);
  return createDataset({ name: 'toy', sampleShape: [2, 1, 1], classNames: ['a', 'b', 'c'], samples, labels: Array.from({ length: n }, (_, i) => i % 3) });
}

describe('dataset', () => {
  it('refuses mismatched sizes and labels out of range with the numbers', () => {
    expect(() => createDataset({ name: 'x', sampleShape: [2], classNames: ['a'], samples: new Float32Array(3), labels: [0, 0] })).toThrow(/need 4 values.*got 3/);
    expect(() => createDataset({ name: 'x', sampleShape: [1], classNames: ['a', 'b'], samples: new Float32Array(2), labels: [0, 2] })).toThrow(/sample 1 has label 2/);
  });

  it('splits deterministically into disjoint parts covering everything', () => {
    const ds = toy(100);
    const a = splitDataset(ds, { val: 0.1, test: 20 }, 42);
    const b = splitDataset(ds, { val: 0.1, test: 20 }, 42);
    const c = splitDataset(ds, { val: 0.1, test: 20 }, 43);
    expect([a.train.length, a.val.length, a.test.length]).toEqual([70, 10, 20]);
    expect(a.test.samples).toEqual(b.test.samples);
    expect(a.test.samples).not.toEqual(c.test.samples);
    const firsts = (d: typeof a.train): number[] => Array.from({ length: d.length }, (_, i) => d.samples[i * 2]);
    const all = [...firsts(a.train), ...firsts(a.val), ...firsts(a.test)].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i));
    // labels travel with their samples
    for (let i = 0; i < a.test.length; i++) expect(a.test.labels[i]).toBe((a.test.samples[i * 2] / 2) % 3);
    expect(() => splitDataset(ds, { val: 60, test: 50 }, 1)).toThrow(/cannot take/);
  });

  it('batches follow the order; the last batch is short', () => {
    const ds = toy(10);
    const order = shuffledOrder(10, new Rng(1));
    expect(Array.from(order).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batchCount(10, 4)).toBe(3);
    const last = gatherBatch(ds, order, 8, 12);
    expect(last.x.shape).toEqual([2, 2, 1, 1]);
    expect(last.x.data[0]).toBe(order[8] * 2);
    expect(last.y[1]).toBe(order[9] % 3);
    expect(classCounts(subset(ds, [0, 3, 4]))).toEqual([2, 1, 0]);
  });
});

describe('standardisation', () => {
  it('uses the training statistics per channel for every split', () => {
    const ds = createDataset({ name: 'two-channel', sampleShape: [2, 1, 2], classNames: ['a'], samples: Float32Array.from([0, 2, 10, 10, 4, 6, 30, 30]), labels: [0, 0] });
    const stats = channelStats(ds);
    expect(stats.mean).toEqual([3, 20]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(stats.std[1]).toBeCloseTo(10, 12);
    const split = standardizeSplit({ train: ds, val: ds, test: subset(ds, [1]) });
    expect(Array.from(split.split.test.samples).map((v) => Math.round(v * 1000) / 1000)).toEqual([0.447, 1.342, 1, 1]);
    expect(split.split.train.samples.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
    expect(ds.samples[0]).toBe(0); // the input is not modified
  });
});
