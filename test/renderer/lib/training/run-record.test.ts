import { describe, expect, it } from 'vitest';
import { normalizeRows, overlaySeries, readTrainResult, runFromResult } from '../../../../renderer/src/lib/training/run-record';

const settings = { optimizer: 'adam' as const, lr: 0.001, epochs: 2, batchSize: 32, backend: 'core' as const, seed: 1, subset: 256 };

describe('run records', () => {
  it('reads a train job result and keeps what the project stores', () => {
    const r = readTrainResult({
      runDir: '/runs/a',
      backend: 'core',
      epochs: [
        { epoch: 1, trainLoss: 2.1, trainAccuracy: 0.3, valLoss: 1.9, valAccuracy: 0.4, lr: 0.001, seconds: 2, imagesPerSec: 128 },
        { epoch: 2, trainLoss: 'bad' },
      ],
      testAccuracy: 0.5,
      confusion: [[3, 1], [0, 4]],
      classNames: ['0', '1'],
    });
    expect(r.epochs).toHaveLength(1);
    expect(r.confusion).toEqual([[3, 1], [0, 4]]);
    const run = runFromResult('r1', { startedAt: 10, endedAt: 20 }, 'completed', 'mnist', settings, r);
    expect(run).toMatchObject({ id: 'r1', status: 'completed', runDir: '/runs/a', testAccuracy: 0.5, backend: 'core', dataset: 'mnist' });
    expect(readTrainResult(null).epochs).toEqual([]);
    expect(readTrainResult({ confusion: [[1, 'x']] }).confusion).toBeUndefined();
  });

  it('overlays several runs on one chart, one series each', () => {
    const a = runFromResult('a', { startedAt: 1 }, 'completed', 'mnist', settings, readTrainResult({ epochs: [{ epoch: 1, trainLoss: 2, trainAccuracy: 0.2 }, { epoch: 2, trainLoss: 1, trainAccuracy: 0.6, valAccuracy: 0.5 }] }));
    const b = runFromResult('b', { startedAt: 2 }, 'completed', 'mnist', { ...settings, lr: 0.01 }, readTrainResult({ epochs: [{ epoch: 1, trainLoss: 3, trainAccuracy: 0.1 }] }));
    const s = overlaySeries([a, b], 'trainLoss');
    expect(s.map((x) => x.points.length)).toEqual([2, 1]);
    expect(s[0].color).not.toBe(s[1].color);
    expect(s[1].label).toContain('lr 0.01');
    expect(overlaySeries([a, b], 'valAccuracy').map((x) => x.points)).toEqual([[{ x: 2, y: 0.5 }], []]);
  });

  it('normalises confusion rows', () => {
    expect(normalizeRows([[1, 3], [0, 0]])).toEqual([[0.25, 0.75], [0, 0]]);
  });
});
