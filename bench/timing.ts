/**
 * Warm-up, then timed repetitions; the median repetition gives the time per iteration. Each row is
 * time-boxed: a slow system (tfjs-cpu on vgg-small) gets fewer warm-ups and repetitions, never
 * fewer than one of each, and the result says how many repetitions it had.
 */
import { performance } from 'node:perf_hooks';
import type { TimingPlan } from './types';

export type Step = () => void | Promise<void>;

export interface Timing {
  /** Median seconds per iteration over the repetitions. */
  seconds: number;
  reps: number;
  /** Iterations per repetition. */
  iterations: number;
  /** True when the time box cut warm-ups or repetitions. */
  boxed: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function timeSteps(step: Step, plan: TimingPlan, now: () => number = () => performance.now()): Promise<Timing> {
  const budgetMs = plan.rowBudgetSeconds * 1000;
  const start = now();
  let boxed = false;
  // warm-up: at least one iteration, the rest only while within a third of the budget
  let last = 0;
  for (let i = 0; i < Math.max(1, plan.warmup); i++) {
    if (i > 0 && now() - start > budgetMs / 3) {
      boxed = true;
      break;
    }
    const t0 = now();
    await step();
    last = now() - t0;
  }
  const perIter = Math.max(last, 1e-3);
  const iterations = Math.max(1, Math.ceil((plan.minRepSeconds * 1000) / perIter));
  const left = budgetMs - (now() - start);
  let reps = Math.max(1, Math.min(plan.reps, Math.floor(left / (iterations * perIter))));
  if (reps < plan.reps) boxed = true;
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    for (let i = 0; i < iterations; i++) await step();
    samples.push((now() - t0) / iterations);
    // an iteration that slowed down (a busy machine) must not blow the box by much
    if (r + 1 < reps && now() - start > budgetMs * 1.5) {
      reps = r + 1;
      boxed = true;
    }
  }
  return { seconds: median(samples) / 1000, reps, iterations, boxed };
}
