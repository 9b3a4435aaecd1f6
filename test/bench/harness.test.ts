/** The timing scheme, the ratios and the table, on made-up rows and a fake clock (no real measuring). */
import { describe, expect, it } from 'vitest';
import { computeRatios, formatMarkdown, formatTable, tableLines } from '../../bench/report';
import { median, timeSteps } from '../../bench/timing';
import { affordableBatch, reducedNote, syntheticBatch, toNhwc } from '../../bench/measure';
import type { BenchRow } from '../../bench/types';

/** A clock that advances only when a step "runs" for the given times. */
function fakeClock(stepMs: number[]): { now: () => number; step: () => void; calls: () => number } {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    step: () => {
      t += stepMs[Math.min(i, stepMs.length - 1)];
      i++;
    },
    calls: () => i,
  };
}

describe('timing', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  it('warms up, then reports the median repetition, ignoring a slow first call', async () => {
    const clock = fakeClock([1000, 10, 10, 10, 30, 10, 10]);
    const t = await timeSteps(clock.step, { warmup: 1, reps: 5, minRepSeconds: 0, rowBudgetSeconds: 100 }, clock.now);
    expect(t.reps).toBe(5);
    expect(t.iterations).toBe(1);
    expect(t.seconds).toBeCloseTo(0.01, 6);
    expect(t.boxed).toBe(false);
    expect(clock.calls()).toBe(6);
  });

  it('groups fast iterations so a repetition lasts minRepSeconds', async () => {
    const clock = fakeClock([2]);
    const t = await timeSteps(clock.step, { warmup: 2, reps: 3, minRepSeconds: 0.1, rowBudgetSeconds: 100 }, clock.now);
    expect(t.iterations).toBe(50);
    expect(t.reps).toBe(3);
    expect(t.seconds).toBeCloseTo(0.002, 9);
    expect(clock.calls()).toBe(2 + 150);
  });

  it('time-boxes a slow system to one warm-up and one repetition', async () => {
    const clock = fakeClock([5000]);
    const t = await timeSteps(clock.step, { warmup: 3, reps: 5, minRepSeconds: 0.25, rowBudgetSeconds: 6 }, clock.now);
    expect(t.boxed).toBe(true);
    expect(t.reps).toBe(1);
    expect(clock.calls()).toBe(2);
    expect(t.seconds).toBe(5);
  });
});

const row = (model: BenchRow['model'], system: BenchRow['system'], mode: BenchRow['mode'], batch: number, ips: number, threads = 1): BenchRow => ({
  model,
  system,
  mode,
  batch,
  imagesPerSecond: ips,
  threads,
  reps: 5,
  ...(mode === 'infer' && batch === 1 ? { latencyMs: 1000 / ips } : {}),
  ...(batch < 64 && batch > 1 ? { note: 'time-boxed' } : {}),
});

describe('report', () => {
  const rows: BenchRow[] = [
    row('lenet5', 'convlab-core', 'train', 64, 1000, 1),
    row('lenet5', 'convlab-core', 'train', 64, 1800, 2),
    row('lenet5', 'convlab-core', 'infer', 64, 5000),
    row('lenet5', 'convlab-core', 'infer', 1, 2000),
    row('lenet5', 'convnetjs', 'train', 64, 360),
    row('lenet5', 'convlab-ort', 'infer', 64, 90_000, 2),
    row('lenet5', 'ort-bare', 'infer', 64, 100_000, 2),
    row('lenet5', 'tfjs-cpu', 'train', 8, 20),
  ];

  it('computes each ratio from the best row of each side, n/a when a side is missing', () => {
    const r = computeRatios(rows, 64, ['lenet5']);
    const get = (label: string) => r.find((x) => x.label === label);
    expect(get('core vs ConvNetJS, train')?.value).toBeCloseTo(1800 / 360, 9);
    expect(get('core vs ConvNetJS, train')?.detail).toContain('2t');
    expect(get('ORT-infer vs bare ORT')?.value).toBeCloseTo(0.9, 9);
    expect(get('ORT vs core, infer')?.value).toBeCloseTo(18, 9);
    expect(get('core vs tfjs-cpu, train')?.value).toBeCloseTo(90, 9);
    expect(get('core vs tfjs-cpu, train')?.detail).toContain('tfjs-cpu 20.0 at b8');
    expect(get('ORT vs core, train')?.value).toBeNull();
    expect(get('ORT vs PyTorch, train')?.detail).toContain('not measured');
  });

  it('gives convlab-core one table line per training thread count', () => {
    const lines = tableLines(rows, 64).filter((l) => l.system === 'convlab-core');
    expect(lines.map((l) => l.label)).toEqual(['convlab-core (1 thread)', 'convlab-core (2 threads)']);
    expect(lines[0].latencyMs).toBeCloseTo(0.5, 9);
    const text = formatTable(rows, 64).join('\n');
    expect(text).toContain('1,800');
    expect(text).toContain('0.50');
    expect(text).toContain('20.0 (b8)');
    expect(formatMarkdown(rows, 64)[0]).toMatch(/^\| model \| system \|/);
  });
});

describe('affordable batch', () => {
  const ctx = { plan: { warmup: 2, reps: 5, minRepSeconds: 0.25, rowBudgetSeconds: 8 }, batch: 64, threads: 2, log: () => {} };
  it('keeps the batch when an iteration fits half the box, else the largest fitting power of two', () => {
    expect(affordableBatch(ctx, 0.01)).toBe(64);
    expect(affordableBatch(ctx, 4 / 64)).toBe(64);
    expect(affordableBatch(ctx, 0.2)).toBe(16);
    expect(affordableBatch(ctx, 100)).toBe(1);
    expect(reducedNote(64, ctx)).toBeUndefined();
    expect(reducedNote(16, ctx)).toMatch(/batch 16 instead of 64/);
  });
});

describe('synthetic data', () => {
  it('is seeded and the NHWC copy moves every value to its channels-last place', () => {
    const a = syntheticBatch('vgg-small', 2, 7);
    expect(a.shape).toEqual([2, 3, 32, 32]);
    expect(syntheticBatch('vgg-small', 2, 7).x).toEqual(a.x);
    const nhwc = toNhwc(a.x, 2, 3, 32, 32);
    // sample 1, channel 2, y 5, x 9
    expect(nhwc[((1 * 32 + 5) * 32 + 9) * 3 + 2]).toBe(a.x[((1 * 3 + 2) * 32 + 5) * 32 + 9]);
    expect(Array.from(a.labels).every((l) => l >= 0 && l < 10)).toBe(true);
  });
});
