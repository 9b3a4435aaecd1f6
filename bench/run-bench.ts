/**
 * One benchmark run: every selected system on every selected model, one after the other (so they
 * never compete for the cores), with the machine described and the skipped peers explained.
 */
import { availableParallelism } from 'node:os';
import { describeMachine, type MachineInfo } from './machine';
import { computeRatios, type Ratio } from './report';
import { coreRunner, type CoreRunnerOptions } from './runners/convlab-core';
import { convnetjsRunner } from './runners/convnetjs';
import { bareOrtRunner, convlabOrtRunner, type OrtRunnerOptions } from './runners/onnxruntime';
import { pytorchRunner, type TorchInfo } from './runners/pytorch';
import { tfjsRunner } from './runners/tfjs';
import { FULL_PLAN, MODELS, QUICK_PLAN, SYSTEMS, type BenchContext, type BenchRow, type ModelName, type Runner, type Skip, type SystemName, type TimingPlan } from './types';

export interface BenchOptions {
  models?: readonly ModelName[];
  systems?: readonly SystemName[];
  /** Tiny plan (1 warm-up, 2 repetitions, 2 s per row): checks the harness, not the speed. */
  quick?: boolean;
  /** Overrides the plan (tests). */
  plan?: TimingPlan;
  /** Throughput batch (default 64). */
  batch?: number;
  /** Threads for multi-threaded systems (default: all cores). */
  threads?: number;
  core?: CoreRunnerOptions;
  ort?: OrtRunnerOptions;
  log?: (line: string) => void;
}

export interface BenchReport {
  date: string;
  machine: MachineInfo;
  torch: TorchInfo | null;
  plan: TimingPlan;
  batch: number;
  threads: number;
  models: ModelName[];
  systems: SystemName[];
  rows: BenchRow[];
  skipped: Skip[];
  ratios: Ratio[];
  seconds: number;
}

export function runnersFor(systems: readonly SystemName[], core: CoreRunnerOptions = {}, ortOpts: OrtRunnerOptions = {}, torch = pytorchRunner()): Runner[] {
  const make: Record<SystemName, () => Runner> = {
    'convlab-core': () => coreRunner(core),
    'convlab-ort': () => convlabOrtRunner(ortOpts),
    'ort-bare': bareOrtRunner,
    convnetjs: convnetjsRunner,
    'tfjs-cpu': () => tfjsRunner('cpu'),
    'tfjs-wasm': () => tfjsRunner('wasm'),
    pytorch: () => torch,
  };
  return SYSTEMS.filter((s) => systems.includes(s)).map((s) => make[s]());
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchReport> {
  const t0 = Date.now();
  const models = MODELS.filter((m) => (opts.models ?? MODELS).includes(m));
  const systems = SYSTEMS.filter((s) => (opts.systems ?? SYSTEMS).includes(s));
  const plan = opts.plan ?? (opts.quick ? QUICK_PLAN : FULL_PLAN);
  const batch = opts.batch ?? 64;
  const threads = opts.threads ?? availableParallelism();
  const log = opts.log ?? (() => {});
  const machine = describeMachine();
  const ctx: BenchContext = { plan, batch, threads, log };
  const rows: BenchRow[] = [];
  const skipped: Skip[] = [];
  const torchRunner = pytorchRunner();
  const runners = runnersFor(systems, opts.core, opts.ort, torchRunner);
  const ready: Runner[] = [];
  for (const r of runners) {
    const why = await r.available();
    if (why) {
      skipped.push({ system: r.system, reason: why });
      log(`skipping ${r.system}: ${why}`);
    } else ready.push(r);
  }
  for (const model of models) {
    log(`${model}:`);
    for (const r of ready) {
      try {
        const res = await r.run(model, ctx);
        rows.push(...res.rows);
        skipped.push(...res.skipped);
        for (const s of res.skipped) log(`  skipped ${s.system}${s.mode ? ` ${s.mode}` : ''}: ${s.reason}`);
      } catch (e) {
        skipped.push({ system: r.system, model, reason: `failed: ${message(e)}` });
        log(`  ${r.system} failed on ${model}: ${message(e)}`);
      }
    }
  }
  return {
    date: new Date().toISOString(),
    machine,
    torch: torchRunner.info(),
    plan,
    batch,
    threads,
    models,
    systems,
    rows,
    skipped,
    ratios: computeRatios(rows, batch, models),
    seconds: (Date.now() - t0) / 1000,
  };
}
