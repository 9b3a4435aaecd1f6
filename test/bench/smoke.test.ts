/**
 * A smoke run of the whole harness with tiny iteration counts and a batch of 4: every system runs
 * (or says why not) and every row has the documented shape. Speed is not checked here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchReport } from '../../bench/run-bench';
import { MODELS, SYSTEMS, type BenchRow, type SystemName } from '../../bench/types';
import { benchCommand } from '../../main/cli/commands/bench';
import { parseArgs } from '../../main/cli/args';
import { buildOrtTrainWorker, buildTrainWorker } from '../main/helpers/worker-bundle';

const tiny = { warmup: 1, reps: 2, minRepSeconds: 0, rowBudgetSeconds: 0.3 };
let report: BenchReport;

beforeAll(async () => {
  const workerFile = await buildTrainWorker();
  const trainWorkerFile = await buildOrtTrainWorker();
  report = await runBench({ models: ['lenet5'], plan: tiny, batch: 4, threads: 2, core: { workerFile }, ort: { trainWorkerFile } });
}, 240_000);

function checkRow(r: BenchRow): void {
  expect(MODELS).toContain(r.model);
  expect(SYSTEMS).toContain(r.system);
  expect(['train', 'infer']).toContain(r.mode);
  expect(r.batch).toBeGreaterThanOrEqual(1);
  expect(r.batch).toBeLessThanOrEqual(4);
  if (r.batch < 4 && r.latencyMs === undefined) expect(r.note).toMatch(/time-boxed: batch/);
  expect(Number.isFinite(r.imagesPerSecond) && r.imagesPerSecond > 0).toBe(true);
  expect(r.reps).toBeGreaterThanOrEqual(1);
  expect(r.threads).toBeGreaterThanOrEqual(1);
  if (r.latencyMs !== undefined) {
    expect(r.mode).toBe('infer');
    expect(r.batch).toBe(1);
    expect(r.latencyMs).toBeCloseTo(1000 / r.imagesPerSecond, 6);
  }
}

/** A throughput row (batch 4, or smaller when time-boxed) or, for batch 1, a latency row. */
const has = (s: SystemName, mode: BenchRow['mode'], batch: number, threads?: number) =>
  report.rows.some(
    (r) => r.system === s && r.mode === mode && (batch === 1 ? r.latencyMs !== undefined : r.latencyMs === undefined) && (threads === undefined || r.threads === threads),
  );

describe('bench smoke run (lenet5, batch 4)', () => {
  it('every row has the documented shape', () => {
    expect(report.rows.length).toBeGreaterThan(10);
    for (const r of report.rows) checkRow(r);
    expect(report.machine.cores).toBeGreaterThanOrEqual(1);
    expect(report.machine.versions['onnxruntime-node']).toMatch(/^\d+\.\d+/);
  });

  it('runs the JavaScript engines and ONNX Runtime', () => {
    expect(has('convlab-core', 'train', 4, 1)).toBe(true);
    expect(has('convlab-core', 'train', 4, 2)).toBe(true);
    for (const s of ['convlab-core', 'convlab-ort', 'ort-bare', 'convnetjs', 'tfjs-cpu'] as const) {
      expect(has(s, 'infer', 4), s).toBe(true);
      expect(has(s, 'infer', 1), s).toBe(true);
    }
    expect(has('convnetjs', 'train', 4)).toBe(true);
    expect(has('convlab-ort', 'train', 4)).toBe(true);
    expect(has('tfjs-cpu', 'train', 4)).toBe(true);
  });

  it('says why a system or mode was skipped instead of leaving it out silently', () => {
    const covered = (s: SystemName, mode: BenchRow['mode']) => has(s, mode, 4) || report.skipped.some((k) => k.system === s && (k.mode === undefined || k.mode === mode));
    for (const s of SYSTEMS) {
      if (s !== 'ort-bare') expect(covered(s, 'train'), s).toBe(true);
      expect(covered(s, 'infer'), s).toBe(true);
    }
    for (const k of report.skipped) expect(k.reason.length).toBeGreaterThan(5);
    if (!has('pytorch', 'train', 4)) expect(report.skipped.find((k) => k.system === 'pytorch')?.reason).toMatch(/python|torch/);
  });

  it('prints ratios for the comparisons the issues ask for', () => {
    const labels = new Set(report.ratios.map((r) => r.label));
    for (const l of ['core vs ConvNetJS, train', 'core vs tfjs-cpu, train', 'ORT vs PyTorch, train', 'ORT-infer vs bare ORT', 'ORT vs core, train']) expect(labels).toContain(l);
    expect(report.ratios.find((r) => r.label === 'ORT-infer vs bare ORT')?.value).toBeGreaterThan(0);
  });
});

describe('convlab bench command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlab-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips ResNet-8 for ConvNetJS with the reason, prints the table and writes the JSON', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const file = join(dir, 'out.json');
    const args = parseArgs(benchCommand, ['--models', 'resnet8', '--systems', 'convnetjs', '--quick', '--json', file]);
    const code = await benchCommand.run(args, { out: (l) => out.push(l), err: (l) => err.push(l), interrupted: new Promise(() => {}) });
    expect(code).toBe(1); // no rows at all
    expect(out.join('\n')).toMatch(/skipped convnetjs resnet8: ConvNetJS has no BatchNorm/);
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({ models: ['resnet8'], systems: ['convnetjs'], rows: [] });
  });

  it('rejects unknown names with a usage error', async () => {
    const args = parseArgs(benchCommand, ['--models', 'lenet6']);
    await expect(benchCommand.run(args, { out: () => {}, err: () => {}, interrupted: new Promise(() => {}) })).rejects.toThrow(/unknown "lenet6"/);
  });
});
